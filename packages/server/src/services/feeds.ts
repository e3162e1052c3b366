import type { Page, PageQuery, Status } from '@tweeter/shared';
import { decodeCursor, KeyCursor, keysetPage } from '../domain/cursor.js';
import type { FeedRepo } from '../ports/store.js';
import type { StatusHydrator } from './status-hydrator.js';

/** The home feed: statuses of the people one follows, newest first. */
export class FeedService {
  constructor(private readonly deps: { feeds: FeedRepo; hydrator: StatusHydrator }) {}

  /** One page of the viewer's feed. Entries of deleted statuses are skipped without shifting later pages. */
  async page(viewer: string, query: PageQuery): Promise<Page<Status>> {
    const before = decodeCursor(query.cursor, KeyCursor)?.k;
    const entries = await this.deps.feeds.page(viewer, { before, limit: query.limit + 1 });
    const page = keysetPage(entries, query.limit, (e) => e.statusId);
    const ids = page.rows.map((e) => e.statusId);
    return { items: await this.deps.hydrator.byIds(ids, viewer), nextCursor: page.nextCursor };
  }
}
