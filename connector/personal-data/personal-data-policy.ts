import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { PersonalData } from '../config.js';
import { DroppedIdLabels } from './dropped-id-labels.js';
import { keyRoles, type KeyRole } from './personal-data-fields.js';

/**
 * Hashes or drops personal fields in an FI record, at any depth: the normalized columns
 * (fi_accounts.holders, fi_transactions.narration, a holding's folio) and the raw objects
 * of fi_data alike, whatever the stream, since it goes by key name, not by column list.
 *
 * Copy-on-write: the input is never changed (a raw account is shared by the
 * fi_data record and the normalized records built after it, which must not see it hashed
 * twice); unchanged branches are shared with the output.
 *
 * - hash: HMAC-SHA-256 of the value's text with the configured key, as 64 lower-case hex
 *   digits. One value hashes alike in every stream and sync, so joins still work, and
 *   without the key nobody can build a lookup table of PANs or mobiles.
 *   An object or array value (an address given in parts) is hashed as its JSON text.
 * - drop: a column of the record (depth 0) becomes null, so the record keeps the shape its
 *   schema declares; a key inside a nested object is removed, whatever its value.
 *
 * An identifier in a column of the record (a holding's folio_no, demat_id) is also replaced
 * where another column of the same record embeds it: a key built as `<isin>:<folio>` would
 * otherwise carry the folio in clear. hash puts the same HMAC there (the key stays unique
 * and stable per hash key); drop puts `[dropped]`, `[dropped-2]`... numbered per account so
 * ids stay unique (dropped-id-labels.ts; the policy's only state besides its hash cache).
 *
 * hash leaves null and "" as they are: they hold nothing personal, and a hash of "" would
 * look like a value.
 */
export class PersonalDataPolicy {
  private readonly roleOf: (key: string) => KeyRole;
  private readonly key: KeyObject;
  /** Holder values repeat on every account of a consent and in two streams: hash each once. */
  private readonly hashes = new Map<string, string>();
  private readonly dropped = new DroppedIdLabels();

  private constructor(
    private readonly mode: 'hash' | 'drop',
    config: PersonalData,
  ) {
    this.roleOf = keyRoles(config.fields);
    this.key = createSecretKey(Buffer.from(config.hash_key ?? '', 'hex'));
  }

  /** The policy of a config, or null for `keep` (or no field), so the hot path can skip it entirely. */
  static of(config: PersonalData): PersonalDataPolicy | null {
    if (config.mode === 'keep' || config.fields.length === 0) return null;
    if (config.mode === 'hash' && config.hash_key === undefined) throw new Error('personal_data.mode hash needs personal_data.hash_key (the config schema requires it)');
    return new PersonalDataPolicy(config.mode, config);
  }

  /** The record with its personal fields hashed or dropped (the same object when it holds none). */
  apply(record: Record<string, unknown>): Record<string, unknown> {
    const out = this.walkObject(record, false, true);
    return out === record ? out : this.scrubEmbedded(record, out);
  }

  /** Shorter identifiers are left inside other columns: replacing them could mangle unrelated text. */
  private static readonly MIN_EMBEDDED = 6;

  private scrubEmbedded(record: Record<string, unknown>, out: Record<string, unknown>): Record<string, unknown> {
    let ids: string[] | undefined;
    for (const key in record) {
      const value = record[key];
      if (typeof value !== 'string' || value.length < PersonalDataPolicy.MIN_EMBEDDED) continue;
      const role = this.roleOf(key);
      if (role !== null && role.kind === 'field' && role.identifier === true) (ids ??= []).push(value);
    }
    if (ids === undefined) return out;
    const account = this.mode === 'drop' ? `${String(record['session_id'] ?? '')}\u0000${String(record['link_reference_number'] ?? '')}` : '';
    for (const key in out) {
      const value = out[key];
      if (typeof value !== 'string' || this.roleOf(key) !== null) continue;
      let next = value;
      for (const id of ids) if (next.includes(id)) next = next.split(id).join(this.mode === 'hash' ? this.hash(id) : this.dropped.labelOf(account, id));
      if (next !== value) out[key] = next;
    }
    return out;
  }

  /** HMAC-SHA-256 of one value's text, hex. */
  hash(text: string): string {
    let digest = this.hashes.get(text);
    if (digest === undefined) {
      digest = createHmac('sha256', this.key).update(text, 'utf8').digest('hex');
      if (this.hashes.size >= 10_000) this.hashes.clear();
      this.hashes.set(text, digest);
    }
    return digest;
  }

  private walk(value: unknown, inHolder: boolean): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = this.walk(item, inHolder);
        if (next !== item) (out ??= value.slice())[i] = next;
      }
      return out ?? value;
    }
    return this.walkObject(value as Record<string, unknown>, inHolder, false);
  }

  private walkObject(object: Record<string, unknown>, inHolder: boolean, isRecord: boolean): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const key in object) {
      const value = object[key];
      const role = this.roleOf(key);
      if (role !== null && role.kind === 'field' && (inHolder || role.scope === 'anywhere')) {
        if (this.mode === 'hash') {
          if (value === null || value === undefined || value === '') continue;
          (out ??= { ...object })[key] = this.hash(typeof value === 'object' ? JSON.stringify(value) : String(value));
        } else if (isRecord) {
          if (value !== null) (out ??= { ...object })[key] = null;
        } else {
          delete (out ??= { ...object })[key];
        }
        continue;
      }
      if (typeof value !== 'object' || value === null) continue;
      const next = this.walk(value, inHolder || role?.kind === 'holders');
      if (next !== value) (out ??= { ...object })[key] = next;
    }
    return out ?? object;
  }
}
