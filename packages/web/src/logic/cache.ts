import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Message, Status } from '@tweeter/shared';
import { mapItem, removeItem, type Pages } from './pages.js';

/** Something a reaction or a live event points at: a status, or a message of a board. */
export type Target = { kind: 'status'; id: string } | { kind: 'message'; boardId: string; id: string };

type Item = Status | Message;
export type Snapshot = [QueryKey, unknown][];

function isPages(data: unknown): data is Pages<Item> {
  return typeof data === 'object' && data !== null && Array.isArray((data as { pages?: unknown }).pages);
}

function queriesOf(qc: QueryClient, target: Target): Snapshot {
  if (target.kind === 'message') return qc.getQueriesData({ queryKey: ['messages', target.boardId] });
  return qc.getQueriesData({
    predicate: (q) => ['feed', 'story', 'status'].includes(String(q.queryKey[0])),
  });
}

/**
 * Changes one status or message in every cached list and page that holds it (feed, stories, the
 * status page, a board) and returns what was there before, for a rollback.
 */
export function patchItem<T extends Item>(qc: QueryClient, target: Target, fn: (item: T) => T | null): Snapshot {
  const before = queriesOf(qc, target);
  for (const [key, data] of before) {
    if (isPages(data)) {
      const held = data.pages.flatMap((p) => p.items).find((i) => i.id === target.id) as T | undefined;
      if (!held) continue;
      const next = fn(held);
      qc.setQueryData(key, next ? mapItem(data, target.id, () => next) : removeItem(data, target.id));
    } else if (typeof data === 'object' && data !== null && (data as Item).id === target.id) {
      const next = fn(data as T);
      if (next) qc.setQueryData(key, next);
      else qc.removeQueries({ queryKey: key, exact: true });
    }
  }
  return before;
}

export function restore(qc: QueryClient, snapshot: Snapshot): void {
  for (const [key, data] of snapshot) qc.setQueryData(key, data);
}
