import { useQueryClient } from '@tanstack/react-query';
import type { User } from '@tweeter/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import type { RelationKind } from '../api/client.js';
import { setRelation } from '../logic/safety.js';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';
import { UserRow, useUserPages } from './user-list.js';

const TEXT = {
  block: {
    title: 'Blocked accounts',
    undo: 'Unblock',
    empty: 'You have not blocked anyone.',
    about: 'Neither of you sees the other’s statuses; they cannot follow you, comment on or react to your statuses.',
  },
  mute: {
    title: 'Muted accounts',
    undo: 'Unmute',
    empty: 'You have not muted anyone.',
    about: 'Their statuses stay out of your feed. They are not told.',
  },
} as const;

function Row({ user, kind }: { user: User; kind: RelationKind }) {
  const services = useServices();
  const qc = useQueryClient();
  const [state, setState] = useState<'on' | 'busy' | 'undone'>('on');
  const text = TEXT[kind];

  async function toggle(on: boolean) {
    setState('busy');
    const result = await setRelation({ api: services.api, notify: services.toasts }, kind, user.alias, on);
    setState(result.ok ? (on ? 'on' : 'undone') : on ? 'undone' : 'on');
    if (result.ok) {
      qc.setQueryData(['user', user.alias], result.value);
      void qc.invalidateQueries({ queryKey: ['feed'] });
    }
  }

  return (
    <div className="relation-row">
      <UserRow user={user} />{' '}
      {state === 'undone' ? (
        <button
          type="button"
          onClick={() => void toggle(true)}
          aria-label={`${kind === 'block' ? 'Block' : 'Mute'} @${user.alias} again`}
        >
          {kind === 'block' ? 'Block' : 'Mute'} again
        </button>
      ) : (
        <button
          type="button"
          disabled={state === 'busy'}
          onClick={() => void toggle(false)}
          aria-label={`${text.undo} @${user.alias}`}
        >
          {text.undo}
        </button>
      )}
    </div>
  );
}

/** /settings/blocks and /settings/mutes: whom I block or mute, each with its undo (and a redo until I leave). */
export function RelationsPage({ kind }: { kind: RelationKind }) {
  const { api } = useServices();
  const text = TEXT[kind];
  const query = useUserPages(['relations', kind], (cursor) => api.relations(kind, cursor));
  return (
    <>
      <p>
        <Link to="/settings">Settings</Link>
      </p>
      <h1>{text.title}</h1>
      <p className="muted">{text.about}</p>
      <InfiniteList
        query={query}
        label={text.title}
        what={text.title.toLowerCase()}
        empty={text.empty}
        render={(u) => <Row user={u} kind={kind} />}
      />
    </>
  );
}
