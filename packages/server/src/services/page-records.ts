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
}
