import { consentIdFor, consentIndexOf } from './consent-id-codec.js';
import { scenarioForUnit, type ConsentScenario } from './consent-scenario.js';
import { BANK_FIPS, INSURANCE_FIPS, INVESTMENT_FIPS, NPS_FIPS, type Fip } from './fip-catalog.js';
import { isBankType, type FiType } from './fi-types.js';
import { hash32, pick, seededUuid, unit } from '../util/seeded-hash.js';
import { DAY_MS } from '../util/time-format.js';

export type { FiType } from './fi-types.js';

export interface AccountInfo {
  /** Globally unique numeric key of the account, the input of its data hashes. */
  key: number;
  position: number;
  linkReferenceNumber: string;
  fiType: FiType;
  fip: Fip;
  maskedAccountNumber: string;
  /** In partial sessions this account is not delivered. */
  undelivered: 'TIMEOUT' | 'DENIED' | null;
}

export interface ConsentInfo {
  index: number;
  id: string;
  scenario: ConsentScenario;
  /** The consent artefact's FI data range (ms). Requests must stay inside it. */
  rangeFrom: number;
  rangeTo: number;
  accounts: AccountInfo[];
  /** TRANSIENT only: how many attempts fail before one succeeds. */
  failingAttempts: number;
}

const FI_TYPES: ReadonlyArray<readonly [number, FiType | 'INVESTMENT']> = [
  [0.76, 'DEPOSIT'],
  [0.84, 'TERM_DEPOSIT'],
  [0.9, 'RECURRING_DEPOSIT'],
  [1, 'INVESTMENT'],
];
const FI_TYPE_CUMULATIVE = FI_TYPES.map(([u]) => u);

/**
 * The 10% of accounts that are not bank accounts get their type from a hash stream of their
 * own, so adding a type never moves a bank account (tests count its transactions).
 */
const INVESTMENT_TYPES: ReadonlyArray<readonly [number, FiType]> = [
  [0.25, 'MUTUAL_FUNDS'],
  [0.45, 'EQUITIES'],
  [0.53, 'ETF'],
  [0.61, 'SIP'],
  [0.68, 'BONDS'],
  [0.73, 'DEBENTURES'],
  [0.79, 'GOVT_SECURITIES'],
  [0.89, 'NPS'],
  [1, 'INSURANCE_POLICIES'],
];
const INVESTMENT_CUMULATIVE = INVESTMENT_TYPES.map(([u]) => u);

function fipsOf(fiType: FiType): readonly Fip[] {
  if (isBankType(fiType)) return BANK_FIPS;
  if (fiType === 'NPS') return NPS_FIPS;
  if (fiType === 'INSURANCE_POLICIES') return INSURANCE_FIPS;
  return INVESTMENT_FIPS;
}

/**
 * The seeded consent population. Nothing is stored per consent: every field is recomputed
 * from (seed, index) on demand, so 100,000 consents cost no memory until they are used.
 * `anchorDay` (UTC midnight of the sandbox's start) dates the consent ranges, so that
 * DATE_RANGE consents can end "some weeks ago".
 */
export class ConsentPopulation {
  constructor(
    readonly seed: number,
    readonly count: number,
    readonly anchorDayMs: number,
  ) {}

  idOf(index: number): string {
    return consentIdFor(this.seed, index);
  }

  indexOf(id: string): number | undefined {
    return consentIndexOf(this.seed, this.count, id);
  }

  find(id: string): ConsentInfo | undefined {
    const index = this.indexOf(id);
    return index === undefined ? undefined : this.consent(index);
  }

  scenarioOf(index: number): ConsentScenario {
    return scenarioForUnit(unit(this.seed, 0x5ce7a210, index));
  }

  /** 1-3 accounts, ~1.95 on average (a benchmark's 10,000 consents make ~20,000 accounts). */
  accountCountOf(index: number): number {
    return 1 + pickWeighted(unit(this.seed, 0xacc0, index), [0.3, 0.75, 1]);
  }

  consent(index: number): ConsentInfo {
    const seed = this.seed;
    const scenario = this.scenarioOf(index);
    let rangeFrom: number;
    let rangeTo: number;
    if (scenario === 'DATE_RANGE') {
      // Ends 3 to 9 weeks before the sandbox started, and covers two years before that.
      rangeTo = this.anchorDayMs - (21 + pick(42, seed, 0xda7e, index)) * DAY_MS;
      rangeFrom = rangeTo - 730 * DAY_MS;
    } else {
      // A periodic consent: five years back, running a year past today.
      rangeFrom = this.anchorDayMs - 5 * 365 * DAY_MS;
      rangeTo = this.anchorDayMs + 365 * DAY_MS;
    }
    const accountCount = this.accountCountOf(index);
    const accounts: AccountInfo[] = [];
    for (let position = 0; position < accountCount; position++) accounts.push(this.account(index, position));
    // About one consent in ten with several accounts gets a partial session.
    if (accountCount > 1 && unit(seed, 0x9a271a1, index) < 0.1) {
      const victim = accounts[pick(accountCount, seed, 0x9a271a2, index)];
      if (victim) victim.undelivered = unit(seed, 0x9a271a3, index) < 0.5 ? 'TIMEOUT' : 'DENIED';
    }
    return {
      index,
      id: this.idOf(index),
      scenario,
      rangeFrom,
      rangeTo,
      accounts,
      failingAttempts: scenario === 'TRANSIENT' ? 1 + pick(2, seed, 0x7a45, index) : 0,
    };
  }

  private account(consentIndex: number, position: number): AccountInfo {
    const seed = this.seed;
    const key = consentIndex * 4 + position;
    const group = FI_TYPES[pickWeighted(unit(seed, 0xf1, key), FI_TYPE_CUMULATIVE)]?.[1] ?? 'DEPOSIT';
    const fiType = group === 'INVESTMENT' ? (INVESTMENT_TYPES[pickWeighted(unit(seed, 0xf1b, key), INVESTMENT_CUMULATIVE)]?.[1] ?? 'MUTUAL_FUNDS') : group;
    const fips = fipsOf(fiType);
    const fip = fips[pick(fips.length, seed, 0xf19, key)] ?? BANK_FIPS[0]!;
    const digits = String(hash32(seed, 0x3a5c, key) % 10000).padStart(4, '0');
    return {
      key,
      position,
      linkReferenceNumber: seededUuid(seed, 0x11c4ef, key),
      fiType,
      fip,
      maskedAccountNumber: `XXXXXX${digits}`,
      undelivered: null,
    };
  }
}

function pickWeighted(u: number, cumulative: readonly number[]): number {
  for (let i = 0; i < cumulative.length; i++) if (u < (cumulative[i] ?? 1)) return i;
  return cumulative.length - 1;
}
