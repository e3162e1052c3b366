import { useInfiniteQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { InfiniteList } from './infinite-list.js';
import { PostBox } from './post-box.js';
import { useMe, useServices } from './services.js';
import { StatusItem } from './status-item.js';
import { UserPanel } from './user-panel.js';
import { UserRow, useUserPages } from './user-list.js';

function Story({ alias }: { alias: string }) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['story', alias],
    queryFn: ({ pageParam }) => api.story(alias, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  return (
    <InfiniteList
      query={query}
      label="Story"
      what="story items"
      empty="No statuses yet."
      render={(s) => <StatusItem status={s} />}
    />
  );
}

function People({ alias, which }: { alias: string; which: 'followers' | 'followees' }) {
  const { api } = useServices();
  const query = useUserPages([which, alias], (cursor) =>
    which === 'followers' ? api.followers(alias, cursor) : api.followees(alias, cursor),
  );
  return (
    <InfiniteList
      query={query}
      label={which === 'followers' ? 'Followers' : 'Followees'}
      what={which}
      empty={which === 'followers' ? 'No followers yet.' : 'Not following anyone yet.'}
      render={(u) => <UserRow user={u} />}
    />
  );
}

/** /users/:alias (story), /users/:alias/followees, /users/:alias/followers. */
export function UserPage({ tab }: { tab: 'story' | 'followers' | 'followees' }) {
  const alias = (useParams().alias ?? '').toLowerCase();
  const me = useMe();
  return (
    <>
      <UserPanel alias={alias} editable />
      {tab === 'story' && alias === me.alias && <PostBox />}
      <h2 className="section-title">{tab === 'story' ? 'Story' : tab === 'followers' ? 'Followers' : 'Followees'}</h2>
      {tab === 'story' ? <Story alias={alias} /> : <People alias={alias} which={tab} />}
    </>
  );
}
