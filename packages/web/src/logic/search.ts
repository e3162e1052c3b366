import { LIMITS } from '@tweeter/shared';

export type SearchTab = 'people' | 'statuses';

/** The tab a `type` parameter names (people unless it says statuses). */
export function searchTab(type: string | null): SearchTab {
  return type === 'statuses' ? 'statuses' : 'people';
}

/** The search page's address for this text and tab, or null when there is nothing to search (the API's 1 to 200). */
export function searchUrl(text: string, tab: SearchTab): string | null {
  const q = text.trim().slice(0, LIMITS.searchQueryMax);
  if (q.length < LIMITS.searchQueryMin) return null;
  return `/search?q=${encodeURIComponent(q)}&type=${tab}`;
}
