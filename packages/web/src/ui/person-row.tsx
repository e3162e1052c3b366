import { useQueryClient } from '@tanstack/react-query';
import type { Profile } from '@tweeter/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { setFollowing } from '../logic/flows.js';
import { Avatar } from './avatar.js';
import { useMe, useServices } from './services.js';

/** One person in a list (search results, who to follow): picture, name, @alias, followers, and Follow/Unfollow. */
export function PersonRow({ person }: { person: Profile }) {
  const services = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const [shown, setShown] = useState(person);
  const [busy, setBusy] = useState(false);
  const name = `${shown.firstName} ${shown.lastName}`;

  async function toggle() {
    setBusy(true);
    const result = await setFollowing({ api: services.api, notify: services.toasts }, shown, !shown.followedByMe);
    setBusy(false);
    if (!result.ok) return;
    setShown(result.value);
    qc.setQueryData(['user', shown.alias], result.value);
    for (const key of [['user', me.alias], ['feed'], ['followers', shown.alias]]) {
      void qc.invalidateQueries({ queryKey: key });
    }
  }

  return (
    <div className="person-row">
      <Link to={`/users/${shown.alias}`} className="user-row">
        <Avatar user={shown} size={40} />
        <span className="name">{name}</span> <span className="alias">@{shown.alias}</span>
      </Link>
      <span className="muted person-count">
        {shown.followerCount} {shown.followerCount === 1 ? 'follower' : 'followers'}
      </span>
      {shown.alias !== me.alias && (
        <button
          type="button"
          className={shown.followedByMe ? '' : 'primary'}
          disabled={busy}
          onClick={() => void toggle()}
          aria-label={`${shown.followedByMe ? 'Unfollow' : 'Follow'} @${shown.alias}`}
        >
          {shown.followedByMe ? 'Unfollow' : 'Follow'}
        </button>
      )}
    </div>
  );
}
