import type { StatusRecord } from '../ports/store.js';

/** A page's status records and those they quote, looked up once (`StatusHydrator.pageRecords`). */
export class PageRecords {
  constructor(
    readonly records: readonly StatusRecord[],
    readonly quotedRecords: readonly StatusRecord[],
  ) {}

  /** The distinct authors of the quoted statuses. */
  quotedAuthors(): string[] {
    return [...new Set(this.quotedRecords.map((q) => q.author))];
  }

  /** The same for a subset of the ids (a page's rows once blocks and mutes are applied): as if looked up anew. */
  of(ids: readonly string[]): { records: StatusRecord[]; quotedRecords: StatusRecord[] } {
    const byId = new Map(this.records.map((r) => [r.id, r]));
    const records: StatusRecord[] = [];
    const quoteIds = new Set<string>();
    for (const id of new Set(ids)) {
      const r = byId.get(id);
      if (r === undefined) continue;
      records.push(r);
      if (r.quoteOfId !== undefined) quoteIds.add(r.quoteOfId);
    }
    return { records, quotedRecords: this.quotedRecords.filter((q) => quoteIds.has(q.id)) };
  }

  /**
   * `of` by position: `records[i]` is the record of `ids[i]` (undefined: none). A page's rows, when none was left out
   * after the lookup, are these records in order: then nothing is looked up by id.
   */
  at(ids: readonly string[]): {
    records: readonly (StatusRecord | undefined)[];
    quotedRecords: readonly StatusRecord[];
  } {
    const own = this.records;
    let same = ids.length === own.length;
    for (let i = 0; same && i < ids.length; i++) same = own[i]?.id === ids[i];
    if (same) return { records: own, quotedRecords: this.quotedRecords };
    const { records, quotedRecords } = this.of(ids);
    const byId = new Map(records.map((r) => [r.id, r]));
    return { records: ids.map((id) => byId.get(id)), quotedRecords };
  }
}
