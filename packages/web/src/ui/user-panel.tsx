import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { parseSegments } from '@tweeter/shared';
import { Link } from 'react-router';
import { errorMessage } from '../api/client.js';
import { setFollowing } from '../logic/flows.js';
import { setRelation } from '../logic/safety.js';
import { Avatar } from './avatar.js';
import { ChangePicture } from './change-picture.js';
import { ProfileMenu } from './profile-menu.js';
import { StatusText } from './status-text.js';
import { useMe, useServices } from './services.js';

/**
 * The user on screen: picture, name, @alias, counts; Follow/Unfollow and the Mute/Block menu on someone else's
 * page (a profile I block says so, with Unblock; one that blocks me offers no Follow); on my own profile
 * (`editable`), a new picture; the bio's mentions and links as links, and on mine an "Edit profile" link to Settings.
 */
export function UserPanel({ alias, editable = false }: { alias: string; editable?: boolean }) {
  const services = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const q = useQuery({ queryKey: ['user', alias], queryFn: () => services.api.user(alias) });
  if (q.isError)
    return (
      <section className="card user-panel" role="alert">
        Failed to load the user because of exception: {errorMessage(q.error)}
      </section>
    );
  if (!q.data)
    return (
      <section className="card user-panel">
        <p className="loading">Loading...</p>
      </section>
    );
  const user = q.data;
  const isMe = user.alias === me.alias;

  async function toggle() {
    setBusy(true);
    const result = await setFollowing({ api: services.api, notify: services.toasts }, user, !user.followedByMe);
    setBusy(false);
    if (!result.ok) return;
    qc.setQueryData(['user', user.alias], result.value);
    void qc.invalidateQueries({ queryKey: ['user', me.alias] });
    void qc.invalidateQueries({ queryKey: ['followers', user.alias] });
    void qc.invalidateQueries({ queryKey: ['feed'] });
  }

  async function relate(kind: 'block' | 'mute', on: boolean) {
    setBusy(true);
    const result = await setRelation({ api: services.api, notify: services.toasts }, kind, user.alias, on);
    setBusy(false);
    if (!result.ok) return;
    qc.setQueryData(['user', user.alias], result.value);
    for (const key of [['user', me.alias], ['story', user.alias], ['feed'], ['relations', kind]]) {
      void qc.invalidateQueries({ queryKey: key });
    }
  }

  const blocked = user.blockedByMe || user.blocksMe;

  return (
    <section className="card user-panel" aria-label="User">
      <Avatar user={user} size={72} />
      <div className="user-info">
        <h1 className="user-name">
          {user.firstName} {user.lastName}
        </h1>
        <p className="alias">@{user.alias}</p>
        {user.bio && (
          <div className="bio" aria-label="Bio">
            <StatusText segments={parseSegments(user.bio)} />
          </div>
        )}
        <p className="counts">
          <Link to={`/users/${user.alias}/followees`}>Followees: {user.followeeCount}</Link>{' '}
          <Link to={`/users/${user.alias}/followers`}>Followers: {user.followerCount}</Link>
        </p>
      </div>
      <div className="user-actions">
        {!isMe && !blocked && (
          <button
            type="button"
            className={user.followedByMe ? '' : 'primary'}
            disabled={busy}
            onClick={() => void toggle()}
          >
            {user.followedByMe ? 'Unfollow' : 'Follow'}
          </button>
        )}
        {!isMe && <ProfileMenu user={user} busy={busy} onChoose={(kind, on) => void relate(kind, on)} />}
        {!isMe && <Link to={`/users/${me.alias}`}>Back to my page</Link>}
        {isMe && (
          <Link className="button-link" to="/settings">
            Edit profile
          </Link>
        )}
      </div>
      {!isMe && user.blockedByMe && (
        <p className="relation-note" role="status">
          You blocked @{user.alias}.{' '}
          <button type="button" disabled={busy} onClick={() => void relate('block', false)}>
            Unblock
          </button>
        </p>
      )}
      {!isMe && !user.blockedByMe && user.blocksMe && (
        <p className="relation-note" role="status">
          @{user.alias} blocked you: you cannot follow them or see their statuses.
        </p>
      )}
      {!isMe && user.mutedByMe && !user.blockedByMe && (
        <p className="relation-note">You muted @{user.alias}: their statuses stay out of your feed.</p>
      )}
      {isMe && editable && <ChangePicture />}
    </section>
  );
}
