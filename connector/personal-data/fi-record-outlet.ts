import type { ResolvedConfig } from '../config-reader.js';
import type { StateManager } from '../state/state-manager.js';
import type { StreamName } from '../streams/stream-registry.js';
import { dataExpiresAt, finproExpiryMs } from './data-expiry.js';
import { PersonalDataPolicy } from './personal-data-policy.js';

/** What the FI harvester needs of the state: it emits through the outlet instead of the state itself. */
export type FiRecordSink = Pick<StateManager, 'isSelected' | 'emit'>;

/**
 * The one door FI records pass on their way to the state: every record of a stream named
 * `fi_*` gets `data_expires_at` (when anything says it) and then the personal-data policy, so a new FI stream is
 * covered without a change here. Other streams pass through untouched.
 *
 * The cursor the harvester emits with is the fetch time, which is where the data life runs
 * from. `keep` costs one null check per record.
 */
export class FiRecordOutlet implements FiRecordSink {
  private readonly policy: PersonalDataPolicy | null;
  private readonly dataLifeDays: number | undefined;
  /** FinPro's dataExpiry by session, where an answer gave one (single FI requests' status). */
  private readonly sessionExpiry = new Map<string, number>();
  /** Every record of one account shares its fetch time: compute its expiry once. */
  private lastFetchedMs = Number.NaN;
  private lastSession = '';
  private lastExpiry: string | null = null;

  constructor(
    private readonly state: StateManager,
    config: Pick<ResolvedConfig, 'personal_data' | 'data_life_days'>,
  ) {
    this.policy = PersonalDataPolicy.of(config.personal_data);
    this.dataLifeDays = config.data_life_days;
  }

  /** Records FinPro's `dataExpiry` of a session, for its records to carry. */
  noteSessionExpiry(sessionId: string, dataExpiry: string | null | undefined): void {
    const ms = finproExpiryMs(dataExpiry);
    if (ms !== undefined) this.sessionExpiry.set(sessionId, ms);
  }

  isSelected(stream: StreamName): boolean {
    return this.state.isSelected(stream);
  }

  emit(stream: StreamName, data: Record<string, unknown>, cursorMs: number): Promise<void> | undefined {
    if (!stream.startsWith('fi_')) return this.state.emit(stream, data, cursorMs);
    // Left out when nothing says when the data expires: an absent field reads as null.
    const expiry = this.expiryOf(data['session_id'], cursorMs);
    if (expiry !== null) data['data_expires_at'] = expiry;
    return this.state.emit(stream, this.policy === null ? data : this.policy.apply(data), cursorMs);
  }

  private expiryOf(session: unknown, fetchedMs: number): string | null {
    const sessionId = typeof session === 'string' ? session : '';
    if (fetchedMs !== this.lastFetchedMs || sessionId !== this.lastSession) {
      this.lastFetchedMs = fetchedMs;
      this.lastSession = sessionId;
      this.lastExpiry = dataExpiresAt(fetchedMs, this.dataLifeDays, this.sessionExpiry.get(sessionId));
    }
    return this.lastExpiry;
  }
}
