import { consentIdFor, consentIndexOf } from './consent-id-codec.js';
import { scenarioForUnit, type ConsentScenario } from './consent-scenario.js';
import { BANK_FIPS, INVESTMENT_FIPS, type Fip } from './fip-catalog.js';
import { hash32, pick, seededUuid, unit } from '../util/seeded-hash.js';
import { DAY_MS } from '../util/time-format.js';

export type FiType = 'DEPOSIT' | 'TERM_DEPOSIT' | 'RECURRING_DEPOSIT' | 'MUTUAL_FUNDS' | 'EQUITIES';
/** The spellings providers use for the account link; the contract says clients normalize. */
export type LinkField = 'linkReferenceNumber' | 'linkRefNumber' | 'linkedAccRef';

export interface AccountInfo {
  /** Globally unique numeric key of the account, the input of its data hashes. */
  key: number;
  position: number;
  linkReferenceNumber: string;
  linkField: LinkField;
  fiType: FiType;
  fip: Fip;
  maskedAccountNumber: string;
  /** Provider quirks the contract tells clients to cope with. */
  numericAmounts: boolean;
  holderAsObject: boolean;
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

const FI_TYPES: ReadonlyArray<readonly [number, FiType]> = [
  [0.76, 'DEPOSIT'],
  [0.84, 'TERM_DEPOSIT'],
  [0.9, 'RECURRING_DEPOSIT'],
  [0.95, 'MUTUAL_FUNDS'],
  [1, 'EQUITIES'],
];
const FI_TYPE_CUMULATIVE = FI_TYPES.map(([u]) => u);

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
    const fiType = FI_TYPES[pickWeighted(unit(seed, 0xf1, key), FI_TYPE_CUMULATIVE)]?.[1] ?? 'DEPOSIT';
    const isBank = fiType === 'DEPOSIT' || fiType === 'TERM_DEPOSIT' || fiType === 'RECURRING_DEPOSIT';
    const fips = isBank ? BANK_FIPS : INVESTMENT_FIPS;
    const fip = fips[pick(fips.length, seed, 0xf19, key)] ?? BANK_FIPS[0]!;
    const linkRoll = unit(seed, 0x11c, key);
    const digits = String(hash32(seed, 0x3a5c, key) % 10000).padStart(4, '0');
    return {
      key,
      position,
      linkReferenceNumber: seededUuid(seed, 0x11c4ef, key),
      linkField: linkRoll < 0.85 ? 'linkReferenceNumber' : linkRoll < 0.93 ? 'linkRefNumber' : 'linkedAccRef',
      fiType,
      fip,
      maskedAccountNumber: `XXXXXX${digits}`,
      numericAmounts: unit(seed, 0xa300, key) < 0.1,
      holderAsObject: unit(seed, 0x401d, key) < 0.1,
      undelivered: null,
    };
  }
}

function pickWeighted(u: number, cumulative: readonly number[]): number {
  for (let i = 0; i < cumulative.length; i++) if (u < (cumulative[i] ?? 1)) return i;
  return cumulative.length - 1;
}
