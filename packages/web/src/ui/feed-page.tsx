import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import type { Status } from '@tweeter/shared';
import { useState } from 'react';
import { newPostsLabel } from '../logic/live-feed.js';
import type { Pages } from '../logic/pages.js';
import { InfiniteList } from './infinite-list.js';
import { PostBox } from './post-box.js';
import { useMe, useObservable, useServices } from './services.js';
import { StatusItem } from './status-item.js';
import { TrendsPanel } from './trends-panel.js';
import { UserPanel } from './user-panel.js';
import { WhoToFollow } from './who-to-follow.js';

export function FeedPage() {
  const { api, pending } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const waiting = useObservable(pending);
  const query = useInfiniteQuery({
    queryKey: ['feed'],
    queryFn: ({ pageParam }) => api.feed(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

  function reveal() {
    const feed = qc.getQueryData<Pages<Status>>(['feed']);
    if (feed) qc.setQueryData(['feed'], pending.reveal(feed));
    window.scrollTo({ top: 0 });
  }

  // An empty feed leads to people to follow; otherwise they wait beside the feed (below it on a phone). Trends come
  // first in the page's order (on a phone, above the feed); on a wide screen they sit beside it, above who to follow.
  const empty = query.isSuccess && query.data.pages.every((p) => p.items.length === 0);
  // Once offered, the offer stays for this visit: following someone from it fills the feed, and the list must not
  // vanish under the reader's finger.
  const [offered, setOffered] = useState(false);
  if (empty && !offered) setOffered(true);
  return (
    <div className="feed-grid">
      <TrendsPanel />
      <div className="feed-main">
        <UserPanel alias={me.alias} />
        <PostBox />
        <h2 className="section-title">Feed</h2>
        {waiting.length > 0 && (
          <button type="button" className="new-posts" onClick={reveal}>
            {newPostsLabel(waiting.length)}
          </button>
        )}
        <InfiniteList
          query={query}
          label="Feed"
          what="feed items"
          empty={empty ? '' : 'Your feed is empty. Follow people to see their posts here.'}
          render={(s) => <StatusItem status={s} />}
        />
        {offered && <WhoToFollow inline />}
      </div>
      {!offered && (
        <aside aria-label="Who to follow">
          <WhoToFollow />
        </aside>
      )}
    </div>
  );
}
