import { foldedKey } from './container-reader.js';

/**
 * Where each FI type keeps its lists (ReBIT v1.x-2.x; finpro-api.md "FI data shape"). A list
 * is a path of containers from the account ending in the repeated element, in ReBIT's
 * PascalCase; the readers accept every other spelling. Investment types are read at both
 * holding positions ReBIT uses (`Summary/Investment/Holdings` and `Summary/Holdings`): the
 * schemas differ by type and providers by version, and a position that is absent costs two
 * property lookups.
 */
export interface ListSpec {
  /** Containers from the account down to the list's parent, e.g. ['Summary', 'Holdings', 'Tier1Holdings']. */
  readonly path: readonly string[];
  /** The repeated element, e.g. 'Tier1Holding'. */
  readonly item: string;
  /** NPS tier of the list's rows. */
  readonly tier?: string;
  /** `Transactions.Transaction`: how reports name the list's elements. */
  readonly label: string;
}

function list(path: readonly string[], item: string, tier?: string): ListSpec {
  return { path, item, label: `${path.join('.')}.${item}`, ...(tier !== undefined ? { tier } : {}) };
}

export interface FiLayout {
  readonly name: string;
  readonly holdings: readonly ListSpec[];
  readonly transactions: readonly ListSpec[];
  /** Containers a layout reads, in folded spelling (see foldedKey), mapped to the child names it knows under them. */
  // Attributes of containers (`Transactions startDate`, `Holdings type`, NPS tier totals) are scalars and never reported.
  readonly known: ReadonlyMap<string, ReadonlySet<string>>;
}

const TRANSACTIONS = list(['Transactions'], 'Transaction');
const INVESTMENT_HOLDINGS: readonly ListSpec[] = [list(['Summary', 'Investment', 'Holdings'], 'Holding'), list(['Summary', 'Holdings'], 'Holding')];
const NPS_TRANSACTIONS: readonly ListSpec[] = (['Tier1', 'Tier2'] as const).flatMap((tier) =>
  ['SchemeTransaction', 'InvestmentTransaction'].map((kind) => list(['Transactions', `${tier}${kind}s`], `${tier}${kind}`, tier.toUpperCase())),
);
const NPS_HOLDINGS: readonly ListSpec[] = (['Tier1', 'Tier2'] as const).map((tier) => list(['Summary', 'Holdings', `${tier}Holdings`], `${tier}Holding`, tier.toUpperCase()));

/**
 * Lists and objects under Summary (and its containers) that stay in the raw `summary` of
 * fi_accounts by design: deposits' pending amounts, insurance money-backs, covers and
 * clauses, NPS scheme choices, SIP investments. Anything else there is reported.
 */
const SUMMARY_PARTS = ['Pending', 'MoneyBacks', 'Covers', 'ContractClauses', 'SchemeChoices', 'Investments'];

function layout(name: string, holdings: readonly ListSpec[], transactions: readonly ListSpec[]): FiLayout {
  const known = new Map<string, Set<string>>();
  const note = (container: string, child: string) => {
    const key = foldedKey(container);
    let children = known.get(key);
    if (children === undefined) known.set(key, (children = new Set()));
    children.add(foldedKey(child));
  };
  for (const part of SUMMARY_PARTS) note('Summary', part);
  for (const list of [...holdings, ...transactions]) {
    // Each container is known to its parent, the last one knows the item.
    list.path.forEach((container, i) => {
      if (i > 0) note(list.path[i - 1]!, container);
    });
    note(list.path[list.path.length - 1]!, list.item);
  }
  return { name, holdings, transactions, known };
}

/** Deposits, provident funds, insurance, GST: a summary and one transaction list. */
const ACCOUNT = layout('account', [], [TRANSACTIONS]);
/** Securities and funds: holdings under the summary and one transaction list. */
const INVESTMENT = layout('investment', INVESTMENT_HOLDINGS, [TRANSACTIONS]);
const NPS = layout('nps', NPS_HOLDINGS, NPS_TRANSACTIONS);
/** An fiType without a layout: every position any layout reads (and a warning that the type is unknown). */
export const GENERIC_LAYOUT = layout('generic', [...INVESTMENT_HOLDINGS, ...NPS_HOLDINGS], [TRANSACTIONS, ...NPS_TRANSACTIONS]);

const BY_FI_TYPE: ReadonlyMap<string, FiLayout> = new Map([
  ...['DEPOSIT', 'TERM_DEPOSIT', 'RECURRING_DEPOSIT', 'INSURANCE_POLICIES', 'EPF', 'PPF', 'GSTR1_3B', 'CREDIT_CARD'].map((t) => [t, ACCOUNT] as const),
  ...['EQUITIES', 'MUTUAL_FUNDS', 'ETF', 'SIP', 'AIF', 'CIS', 'INVIT', 'REIT', 'IDR', 'BONDS', 'DEBENTURES', 'GOVT_SECURITIES', 'CP', 'CD', 'ULIP'].map(
    (t) => [t, INVESTMENT] as const,
  ),
  ['NPS', NPS],
]);

/** The FI types with a layout, for docs and tests. */
export const FI_TYPES_WITH_LAYOUT: readonly string[] = [...BY_FI_TYPE.keys()];

/** The layout of `fiType`; undefined when it has none (the caller falls back to GENERIC_LAYOUT and reports the type). */
export function layoutOf(fiType: string | null): FiLayout | undefined {
  return fiType === null ? undefined : BY_FI_TYPE.get(fiType);
}
