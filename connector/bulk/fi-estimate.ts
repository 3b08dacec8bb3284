/**
 * ESTIMATE traces for the fi_* streams, which have no count at plan time: once enough consents
 * have settled, records per settled consent times the consents planned. Pure; the engine emits.
 */
export interface FiEstimateInput {
  /** Accounts, transactions and holdings read so far. */
  accounts: number;
  transactions: number;
  holdings: number;
  /** Consents settled so far (completed, or failed for good): the denominator, since failed ones bring no data. */
  settledConsents: number;
  /** Consents the sync planned (0: unknown, e.g. a resumed sync). */
  consentsPlanned: number;
}

export interface FiEstimate {
  fi_data: number;
  fi_accounts: number;
  fi_transactions: number;
  fi_holdings: number;
}

/** Consents settled before a first estimate: fewer say little about the rest. */
export const MIN_ROWS_FOR_ESTIMATE = 20;

export function fiEstimate(input: FiEstimateInput): FiEstimate | undefined {
  if (input.consentsPlanned <= 0 || input.settledConsents < Math.min(MIN_ROWS_FOR_ESTIMATE, input.consentsPlanned)) return undefined;
  const scale = Math.max(input.consentsPlanned, input.settledConsents) / input.settledConsents;
  const accounts = Math.round(input.accounts * scale);
  // fi_data and fi_accounts both have one record per account.
  return { fi_data: accounts, fi_accounts: accounts, fi_transactions: Math.round(input.transactions * scale), fi_holdings: Math.round(input.holdings * scale) };
}

/** A new estimate is worth a trace when there was none or a figure moved by more than 10%. */
export function estimateChanged(previous: FiEstimate | undefined, next: FiEstimate): boolean {
  if (previous === undefined) return true;
  const moved = (a: number, b: number): boolean => Math.abs(a - b) > 0.1 * Math.max(1, a);
  return moved(previous.fi_accounts, next.fi_accounts) || moved(previous.fi_transactions, next.fi_transactions) || moved(previous.fi_holdings, next.fi_holdings);
}
