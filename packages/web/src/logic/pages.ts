import type { Page } from '@tweeter/shared';

/** The shape TanStack Query keeps for an infinite list. */
export interface Pages<T> {
  pages: Page<T>[];
  pageParams: unknown[];
}

interface Identified {
  id: string;
}

/** Every item of every page, in order, each id once (a live insert may repeat what a page holds). */
export function flatten<T extends Identified>(data: Pages<T> | undefined): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const p of data?.pages ?? [])
    for (const item of p.items) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      out.push(item);
    }
  return out;
}

export function hasItem<T extends Identified>(data: Pages<T> | undefined, id: string): boolean {
  return !!data?.pages.some((p) => p.items.some((i) => i.id === id));
}

/** Applies `fn` to the item with this id wherever it is. */
export function mapItem<T extends Identified>(data: Pages<T>, id: string, fn: (item: T) => T): Pages<T> {
  return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((i) => (i.id === id ? fn(i) : i)) })) };
}

export function removeItem<T extends Identified>(data: Pages<T>, id: string): Pages<T> {
  return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((i) => i.id !== id) })) };
}

/** Puts items at the top of the first page (newest first), skipping ids already held. */
export function prependItems<T extends Identified>(data: Pages<T>, items: T[]): Pages<T> {
  const fresh = items.filter((i) => !hasItem(data, i.id)).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  if (!fresh.length) return data;
  const [first, ...rest] = data.pages;
  const top = first ?? { items: [], nextCursor: null };
  return { ...data, pages: [{ ...top, items: [...fresh, ...top.items] }, ...rest] };
}

/** Appends items at the end of the last page (oldest first lists, like comments), skipping ids already held. */
export function appendItems<T extends Identified>(data: Pages<T>, items: T[]): Pages<T> {
  const fresh = items.filter((i) => !hasItem(data, i.id));
  if (!fresh.length) return data;
  const last = data.pages[data.pages.length - 1] ?? { items: [], nextCursor: null };
  return { ...data, pages: [...data.pages.slice(0, -1), { ...last, items: [...last.items, ...fresh] }] };
}

/** A page list holding just these items. */
export function pagesOf<T>(items: T[], nextCursor: string | null = null): Pages<T> {
  return { pages: [{ items, nextCursor }], pageParams: [null] };
}
