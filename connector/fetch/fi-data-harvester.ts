import { FiValueError, SystemError } from '../errors/connector-errors.js';
import { normalizeFiAccount, type NormalizeOptions } from '../fi-normalize/fi-account-normalizer.js';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import type { FinproClient } from '../finpro/finpro-client.js';
import { FI_DATA_MAX_BYTES, FiAccountTooLargeError, PATHS, streamAllFiData } from '../finpro/finpro-endpoints.js';
import type { FiRecordSink } from '../personal-data/fi-record-outlet.js';
import { fiAccountRecord } from '../streams/fi-accounts-stream.js';
import { fiDataRecord } from '../streams/fi-data-stream.js';
import { fiHoldingRecord } from '../streams/fi-holdings-stream.js';
import { fiTransactionRecord } from '../streams/fi-transactions-stream.js';
import { objectOrNull } from '../fi-normalize/container-reader.js';
import { FiTypeCounts } from './fi-type-counts.js';
import type { FiRecordContext } from './fi-record-context.js';
import { KNOWN_TXN_MODES, KNOWN_TXN_TYPES, UnknownValueWarner } from './unknown-value-warner.js';

/**
 * Reads one completed row's FI data (`POST /getallfidata`) and emits its fi_data,
 * fi_accounts, fi_transactions and fi_holdings records account by account as the answer
 * streams in (memory holds one account, not the answer): each account goes once through the
 * pure normalizer (fi-normalize), no zod over the payload. Only the selected streams are
 * built. What the normalizer cannot map is warned about once per (fiType, path) per sync
 * and stays in fi_data.
 * Per-consent answers (NoDataAvailable, DataIsDeleted...) come back as a failure for the row
 * instead of ending the sync; any other malformed answer ends it (SystemError).
 */
export interface HarvestTarget {
  consentId: string;
  sessionId: string;
  from?: string | undefined;
  to?: string | undefined;
}

export type HarvestResult = { ok: true; accounts: number; transactions: number; holdings: number } | { ok: false; code: string; message: string };

interface Counted {
  accounts: number;
  transactions: number;
  holdings: number;
  byFiType: FiTypeCounts;
}

const PER_CONSENT_CODES = new Set(['NoDataAvailable', 'DataIsDeleted', 'InvalidConsentId', 'ConsentRevoked', 'ConsentExpired']);

export class FiDataHarvester {
  private readonly wantData: boolean;
  private readonly wantAccounts: boolean;
  private readonly wantTransactions: boolean;
  private readonly wantHoldings: boolean;
  private readonly build: NormalizeOptions;
  /** Accounts whose payload had no link reference under any spelling. */
  unlinkedAccounts = 0;
  /** Accounts, transactions and holdings read so far (the fi_* ESTIMATE scales them). */
  readonly totals = { accounts: 0, transactions: 0, holdings: 0 };
  /** The same, by fiType, for the read's closing LOG. */
  readonly byFiType = new FiTypeCounts();
  /** One per sync (one harvester per read): each unknown enum value is warned about once. */
  private readonly unknown: UnknownValueWarner;

  constructor(
    private readonly client: FinproClient,
    private readonly state: FiRecordSink,
    private readonly now: () => number,
    private readonly warn: (message: string) => void,
    /** Largest account read from an answer (see FI_DATA_MAX_BYTES). */
    private readonly maxBytes: number = FI_DATA_MAX_BYTES,
  ) {
    this.wantData = state.isSelected('fi_data');
    this.wantAccounts = state.isSelected('fi_accounts');
    this.wantTransactions = state.isSelected('fi_transactions');
    this.wantHoldings = state.isSelected('fi_holdings');
    this.build = { transactions: this.wantTransactions, holdings: this.wantHoldings };
    this.unknown = new UnknownValueWarner(warn);
  }

  get wanted(): boolean {
    return this.wantData || this.wantAccounts || this.wantTransactions || this.wantHoldings;
  }

  async harvest(target: HarvestTarget): Promise<HarvestResult> {
    let nowMs = 0;
    let ctx: FiRecordContext = { consentId: target.consentId, sessionId: target.sessionId, fetchedAt: '' };
    const counted: Counted = { accounts: 0, transactions: 0, holdings: 0, byFiType: new FiTypeCounts() };
    let split;
    try {
      split = await streamAllFiData(
        this.client,
        {
          consentID: target.consentId,
          sessionId: target.sessionId,
          ...(target.from !== undefined ? { transactionsStartDate: target.from } : {}),
          ...(target.to !== undefined ? { transactionsEndDate: target.to } : {}),
        },
        {
          // A retried answer starts over: counts restart, records are emitted again (same keys).
          onAttempt: () => {
            nowMs = this.now();
            ctx = { consentId: target.consentId, sessionId: target.sessionId, fetchedAt: new Date(nowMs).toISOString() };
            counted.accounts = 0;
            counted.transactions = 0;
            counted.holdings = 0;
            counted.byFiType = new FiTypeCounts();
          },
          onAccount: (element, index) => this.emitAccount(element, index, ctx, nowMs, counted),
        },
        this.maxBytes,
      );
    } catch (error) {
      if (error instanceof FiAccountTooLargeError) {
        throw new SystemError(
          `FinPro's FI data for consent ${target.consentId} (session ${target.sessionId}) holds an account over ${error.maxBytes} bytes, more than the connector reads as one record: ` +
            'narrow fi_data_range_from/fi_data_range_to (or this consent\'s override) so each request covers less time.',
          { cause: error },
        );
      }
      if (error instanceof FiValueError) {
        throw new SystemError(
          `FinPro ${PATHS.allFiData} sent ${error.path} = ${error.shown} for consent ${target.consentId} (session ${target.sessionId}): ${error.expected}.`,
          { cause: error },
        );
      }
      if (error instanceof FinproApiError && error.status < 500 && error.errorCode !== undefined && PER_CONSENT_CODES.has(error.errorCode)) {
        return { ok: false, code: error.errorCode, message: error.errorMsg ?? error.errorCode };
      }
      throw error;
    }
    // Nothing was emitted when data is not an array: the splitter hands out elements of an array only.
    if (split.data !== 'array') throw noDataArray(split.envelope, target);
    this.totals.accounts += counted.accounts;
    this.totals.transactions += counted.transactions;
    this.totals.holdings += counted.holdings;
    this.byFiType.add(counted.byFiType);
    return { ok: true, accounts: counted.accounts, transactions: counted.transactions, holdings: counted.holdings };
  }

  /** Emits one account's records (awaited only when the sink pushes back). */
  private async emitAccount(element: unknown, i: number, ctx: FiRecordContext, nowMs: number, counted: Counted): Promise<void> {
    const account = objectOrNull(element);
    if (account === null) return;
    const n = normalizeFiAccount(account, this.build);
    const fiType = n.fiType;
    counted.accounts++;
    counted.transactions += n.transactionCount;
    counted.holdings += n.holdingCount;
    counted.byFiType.count(fiType, n.transactionCount, n.holdingCount);
    for (const path of n.unmapped) this.unknown.unmapped(fiType, path);
    let link = n.link;
    if (link === undefined) {
      // Still keyed and still kept: position within the session is stable for one answer.
      link = `unlinked-${i}`;
      if (this.unlinkedAccounts++ === 0) this.warn(`An account of consent ${ctx.consentId} has no linkReferenceNumber/linkRefNumber/linkedAccRef; keyed as ${link}.`);
    }
    if (this.wantData) await this.state.emit('fi_data', fiDataRecord(account, n, link, ctx), nowMs);
    if (this.wantAccounts) await this.state.emit('fi_accounts', fiAccountRecord(account, n, link, ctx), nowMs);
    if (this.wantHoldings) {
      for (const row of n.holdings) {
        const p = this.state.emit('fi_holdings', fiHoldingRecord(row, fiType, link, ctx), nowMs);
        if (p) await p;
      }
    }
    if (!this.wantTransactions) return;
    // Deposit enums are the contract's; other types' transaction types (BUY, PREMIUM...) vary by FIP.
    const deposit = fiType === 'DEPOSIT';
    for (const row of n.transactions) {
      if (deposit) {
        this.unknown.check('transaction type', row['type'], KNOWN_TXN_TYPES);
        this.unknown.check('transaction mode', row['mode'], KNOWN_TXN_MODES);
      }
      const p = this.state.emit('fi_transactions', fiTransactionRecord(row, fiType, link, ctx), nowMs);
      if (p) await p;
    }
  }
}

/**
 * A 200 without a `data` array (an error envelope, `data` as an object) is not one consent's
 * outcome but a server out of contract: failing only the row would end the sync green with
 * the consent's data missing. The documented per-consent answers are 4xx errors (above).
 */
function noDataArray(answer: unknown, target: HarvestTarget): SystemError {
  const body = objectOrNull(answer);
  const data = body?.['data'];
  const got = body === null ? 'a body that is not a JSON object' : data === undefined ? `no data${typeof body['errorCode'] === 'string' ? ` (errorCode ${body['errorCode'].slice(0, 80)})` : ''}` : `data as ${data === null ? 'null' : typeof data}`;
  return new SystemError(
    `FinPro ${PATHS.allFiData} answered for consent ${target.consentId} (session ${target.sessionId}) with ${got} instead of a data array of accounts.`,
  );
}
