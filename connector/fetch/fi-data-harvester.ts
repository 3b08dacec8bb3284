import { SystemError } from '../errors/connector-errors.js';
import { FinproApiError } from '../finpro/finpro-api-error.js';
import { ResponseTooLargeError } from '../finpro/finpro-client.js';
import type { FinproClient } from '../finpro/finpro-client.js';
import { FI_DATA_MAX_BYTES, PATHS, getAllFiData } from '../finpro/finpro-endpoints.js';
import type { StateManager } from '../state/state-manager.js';
import { fiAccountRecord } from '../streams/fi-accounts-stream.js';
import { fiDataRecord } from '../streams/fi-data-stream.js';
import { fiTransactionRecord } from '../streams/fi-transactions-stream.js';
import { linkReferenceOf, objectOrNull, type FiRecordContext } from './fi-record-context.js';
import { KNOWN_FI_TYPES, KNOWN_TXN_MODES, KNOWN_TXN_TYPES, UnknownValueWarner } from './unknown-value-warner.js';

/**
 * Reads one completed row's FI data (`POST /getallfidata`) and emits its fi_data,
 * fi_accounts and fi_transactions records straight from the parsed answer: no zod over the
 * payload, no intermediate arrays, one record object per output line. Only the selected
 * streams are built. Per-consent answers (NoDataAvailable, DataIsDeleted...) come back as a
 * failure for the row instead of ending the sync; any other malformed answer ends it (SystemError).
 */
export interface HarvestTarget {
  consentId: string;
  sessionId: string;
  from?: string | undefined;
  to?: string | undefined;
}

export type HarvestResult = { ok: true; accounts: number; transactions: number } | { ok: false; code: string; message: string };

const PER_CONSENT_CODES = new Set(['NoDataAvailable', 'DataIsDeleted', 'InvalidConsentId', 'ConsentRevoked', 'ConsentExpired']);

export class FiDataHarvester {
  private readonly wantData: boolean;
  private readonly wantAccounts: boolean;
  private readonly wantTransactions: boolean;
  /** Accounts whose payload had no link reference under any spelling. */
  unlinkedAccounts = 0;
  /** Accounts and transactions read so far (the fi_* ESTIMATE scales them). */
  readonly totals = { accounts: 0, transactions: 0 };
  /** One per sync (one harvester per read): each unknown enum value is warned about once. */
  private readonly unknown: UnknownValueWarner;

  constructor(
    private readonly client: FinproClient,
    private readonly state: StateManager,
    private readonly now: () => number,
    private readonly warn: (message: string) => void,
    /** Largest answer read for one session (see FI_DATA_MAX_BYTES). */
    private readonly maxBytes: number = FI_DATA_MAX_BYTES,
  ) {
    this.wantData = state.isSelected('fi_data');
    this.wantAccounts = state.isSelected('fi_accounts');
    this.wantTransactions = state.isSelected('fi_transactions');
    this.unknown = new UnknownValueWarner(warn);
  }

  get wanted(): boolean {
    return this.wantData || this.wantAccounts || this.wantTransactions;
  }

  async harvest(target: HarvestTarget): Promise<HarvestResult> {
    let answer: unknown;
    try {
      answer = await getAllFiData(this.client, {
        consentID: target.consentId,
        sessionId: target.sessionId,
        ...(target.from !== undefined ? { transactionsStartDate: target.from } : {}),
        ...(target.to !== undefined ? { transactionsEndDate: target.to } : {}),
      }, this.maxBytes);
    } catch (error) {
      if (error instanceof ResponseTooLargeError) {
        throw new SystemError(
          `FinPro's FI data for consent ${target.consentId} (session ${target.sessionId}) is over ${error.maxBytes} bytes, more than the connector reads in one answer: ` +
            'narrow fi_data_range_from/fi_data_range_to (or this consent\'s override) so each request covers less time.',
          { cause: error },
        );
      }
      if (error instanceof FinproApiError && error.status < 500 && error.errorCode !== undefined && PER_CONSENT_CODES.has(error.errorCode)) {
        return { ok: false, code: error.errorCode, message: error.errorMsg ?? error.errorCode };
      }
      throw error;
    }
    const nowMs = this.now();
    const fetchedAt = new Date(nowMs).toISOString();
    const data = objectOrNull(answer)?.['data'];
    if (!Array.isArray(data)) throw noDataArray(answer, target);
    const ctx: FiRecordContext = { consentId: target.consentId, sessionId: target.sessionId, fetchedAt };
    let transactions = 0;
    let accounts = 0;
    for (let i = 0; i < data.length; i++) {
      const account = objectOrNull(data[i]);
      if (account === null) continue;
      accounts++;
      this.unknown.check('fiType', account['fiType'], KNOWN_FI_TYPES);
      let link = linkReferenceOf(account);
      if (link === undefined) {
        // Still keyed and still kept: position within the session is stable for one answer.
        link = `unlinked-${i}`;
        if (this.unlinkedAccounts++ === 0) this.warn(`An account of consent ${target.consentId} has no linkReferenceNumber/linkRefNumber/linkedAccRef; keyed as ${link}.`);
      }
      if (this.wantData && this.state.accepts('fi_data', nowMs)) await emitted(this.state.emit('fi_data', fiDataRecord(account, link, ctx), nowMs));
      if (this.wantAccounts && this.state.accepts('fi_accounts', nowMs)) {
        await emitted(this.state.emit('fi_accounts', fiAccountRecord(account, link, ctx), nowMs));
      }
      const txns = account['transactions'];
      if (Array.isArray(txns)) {
        transactions += txns.length;
        if (this.wantTransactions && this.state.accepts('fi_transactions', nowMs)) {
          for (let t = 0; t < txns.length; t++) {
            const txn = objectOrNull(txns[t]);
            if (txn === null) continue;
            this.unknown.check('transaction type', txn['type'], KNOWN_TXN_TYPES);
            this.unknown.check('transaction mode', txn['mode'], KNOWN_TXN_MODES);
            const p = this.state.emit('fi_transactions', fiTransactionRecord(txn, t, link, ctx), nowMs);
            if (p) await p;
          }
        }
      }
    }
    this.totals.accounts += accounts;
    this.totals.transactions += transactions;
    return { ok: true, accounts, transactions };
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

function emitted(p: Promise<void> | undefined): Promise<void> | undefined {
  return p;
}
