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
 * A page's statuses as JSON parts by position, each with its quote embedded: the flat parts of the page's statuses
 * (`flat`, by position as `records`) and of those they quote (`quoted`, by id, with their authors) were made in one
 * pass; a quote is embedded as gone where it is deleted, its author gone, or across a block from the viewer
 * (`hidden`: read now, `checks.blocked`: read with the feed), as quotedStatuses does.
 */
export function pageStatusJson(
  records: readonly (StatusRecord | undefined)[],
  flat: readonly (FlatJson | undefined)[],
  quoted: ReadonlyMap<string, { author: string; flat: FlatJson | undefined }>,
  hidden: ReadonlySet<string>,
  checks: QuoteChecks | undefined,
): (StatusJson | undefined)[] {
  const out = new Array<StatusJson | undefined>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const own = flat[i];
    if (r === undefined || own === undefined) continue;
    if (r.quoteOfId === undefined) {
      // No quote: one string of the rest, so a plain status costs the page no more pieces than before.
      out[i] = { head: own.head, tail: `${own.tail}null`, quote: '' };
      continue;
    }
    const q = quoted.get(r.quoteOfId);
    const gone = q === undefined || hidden.has(q.author) || checks?.blocked.has(q.author) === true;
    const shown = gone ? undefined : q.flat;
    out[i] = { ...own, quote: shown ?? JSON.stringify(tombstone(r.quoteOfId)) };
  }
  return out;
}
