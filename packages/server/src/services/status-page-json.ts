import type { StatusRecord } from '../ports/store.js';
import type { FlatJson, StatusJson } from './status-json.js';
import { tombstone } from './status-tombstone.js';

/** Authors of quoted statuses whose blocks with the viewer were read already (with the feed's blocks and mutes). */
export interface QuoteChecks {
  checked: ReadonlySet<string>;
  /** Of `checked`, those with a block either way with the viewer. */
  blocked: ReadonlySet<string>;
}

/**
 * A page's statuses as JSON parts by id, each with its quote embedded: the flat parts of the page's statuses and of
 * those they quote were made in one pass (`flat`); a quote is embedded as gone where it is deleted, its author gone,
 * or across a block from the viewer (`hidden`: read now, `checks.blocked`: read with the feed), as quotedStatuses does.
 */
export function pageStatusJson(
  records: readonly StatusRecord[],
  quotedRecords: readonly StatusRecord[],
  flat: ReadonlyMap<string, FlatJson>,
  hidden: ReadonlySet<string>,
  checks: QuoteChecks | undefined,
): Map<string, StatusJson> {
  const quotedAuthor = new Map(quotedRecords.map((q) => [q.id, q.author]));
  const out = new Map<string, StatusJson>();
  for (const r of records) {
    const own = flat.get(r.id);
    if (!own) continue;
    if (r.quoteOfId === undefined) {
      // No quote: one string of the rest, so a plain status costs the page no more pieces than before.
      out.set(r.id, { head: own.head, tail: `${own.tail}null`, quote: '' });
      continue;
    }
    const author = quotedAuthor.get(r.quoteOfId);
    const gone = author === undefined || hidden.has(author) || checks?.blocked.has(author) === true;
    const shown = gone ? undefined : flat.get(r.quoteOfId);
    out.set(r.id, { ...own, quote: shown ?? JSON.stringify(tombstone(r.quoteOfId)) });
  }
  return out;
}
