/**
 * What `drop` puts where another column embeds a removed identifier (a holding id built as
 * `<isin>:<folio>`): `[dropped]` for an account's first distinct identifier, `[dropped-2]`
 * for its second, and so on. One label for all would give an account's two holdings of one
 * scheme in two folios the same primary key, and dedup would keep only one of them.
 *
 * Numbered per account (session and link reference) in the order first seen: an account read
 * again (a resumed sync) emits its records in the same order and gets the same labels.
 * Nothing of the identifier stays, only how many distinct ones the account has. Accounts are
 * harvested side by side, so each keeps its own numbering; the least recently used is
 * forgotten past `maxAccounts`, far more than are ever read at once.
 */
export class DroppedIdLabels {
  private readonly accounts = new Map<string, Map<string, string>>();

  constructor(private readonly maxAccounts = 4096) {}

  labelOf(account: string, id: string): string {
    let labels = this.accounts.get(account);
    if (labels === undefined) {
      if (this.accounts.size >= this.maxAccounts) this.accounts.delete(this.accounts.keys().next().value!);
      labels = new Map();
    } else {
      // Moved to the end: the Map's order is then least recently used first.
      this.accounts.delete(account);
    }
    this.accounts.set(account, labels);
    let label = labels.get(id);
    if (label === undefined) {
      label = labels.size === 0 ? '[dropped]' : `[dropped-${labels.size + 1}]`;
      labels.set(id, label);
    }
    return label;
  }
}
