import { useInfiniteQuery } from '@tanstack/react-query';
import type { User } from '@tweeter/shared';
import { Link, useParams } from 'react-router';
import { Avatar } from './avatar.js';
import { InfiniteList } from './infinite-list.js';
import { PostBox } from './post-box.js';
import { useMe, useServices } from './services.js';
import { StatusItem } from './status-item.js';
import { UserPanel } from './user-panel.js';

function UserRow({ user }: { user: User }) {
  return (
    <Link to={`/users/${user.alias}`} className="user-row">
      <Avatar user={user} size={40} />
      <span className="name">
        {user.firstName} {user.lastName}
      </span>{' '}
      <span className="alias">@{user.alias}</span>
    </Link>
  );
}

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
  const query = useInfiniteQuery({
    queryKey: [which, alias],
    queryFn: ({ pageParam }) =>
      which === 'followers' ? api.followers(alias, pageParam) : api.followees(alias, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    select: (data) => ({
      ...data,
      pages: data.pages.map((p) => ({ ...p, items: p.items.map((u) => ({ ...u, id: u.alias })) })),
    }),
  });
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
