import type { QuotedStatus } from '@tweeter/shared';
import type { StatusRecord } from '../ports/store.js';
import type { Visibility } from '../domain/visibility.js';
import { tombstone } from './status-tombstone.js';

/** What embedding quoted statuses needs from the hydrator: its records (cached) and its flat rendering. */
export interface QuoteSource {
  statusRecords(ids: readonly string[]): Promise<StatusRecord[]>;
  flat(records: readonly StatusRecord[], viewer: string | null): Promise<QuotedStatus[]>;
  visibility: Pick<Visibility, 'blocked'>;
}

/**
 * The statuses these records quote, one level deep, by id: each as the viewer sees it, or gone (deleted, its
 * author gone, or across a block from the viewer).
 */
export async function quotedStatuses(
  source: QuoteSource,
  records: readonly StatusRecord[],
  viewer: string | null,
): Promise<Map<string, QuotedStatus>> {
  const ids = [...new Set(records.flatMap((r) => (r.quoteOfId === undefined ? [] : [r.quoteOfId])))];
  const byId = new Map<string, QuotedStatus>();
  if (ids.length === 0) return byId;
  const found = await source.flat(await source.statusRecords(ids), viewer);
  const hidden =
    viewer === null
      ? new Set<string>()
      : await source.visibility.blocked(
          viewer,
          found.map((q) => q.author.alias),
        );
  for (const q of found) if (!hidden.has(q.author.alias)) byId.set(q.id, q);
  for (const id of ids) if (!byId.has(id)) byId.set(id, tombstone(id));
  return byId;
}

/** The embedded quoted status of a status that quotes one; null otherwise. */
export function quotedOf(
  r: { quoteOfId?: string; quoteId?: string | null },
  quoted: Map<string, QuotedStatus>,
): QuotedStatus | null {
  const id = r.quoteOfId ?? r.quoteId ?? undefined;
  return id === undefined || id === null ? null : (quoted.get(id) ?? null);
}
