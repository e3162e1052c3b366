import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactionKind, Reactions } from '@tweeter/shared';
import { patchItem, restore, type Snapshot, type Target } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { toggleReaction } from '../logic/reactions.js';
import { useServices } from './services.js';

// Icons drawn inline (Material Icons paths, Apache-2.0): emoji fonts are not on every system.
const KINDS: { kind: ReactionKind; path: string; name: string }[] = [
  {
    kind: 'like',
    name: 'Like',
    path: 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z',
  },
  {
    kind: 'heart',
    name: 'Heart',
    path: 'M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54L12 21.35z',
  },
];

/** Like and heart with counts; pressed at once, rolled back if the server says no. */
export function ReactionBar({
  target,
  reactions,
  disabled,
}: {
  target: Target;
  reactions: Reactions;
  disabled?: boolean;
}) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const mutation = useMutation<Reactions, unknown, { kind: ReactionKind; on: boolean }, Snapshot>({
    mutationFn: ({ kind, on }) =>
      target.kind === 'status'
        ? api.reactToStatus(target.id, kind, on)
        : api.reactToMessage(target.boardId, target.id, kind, on),
    onMutate: ({ kind }) =>
      patchItem(qc, target, (item) => ({ ...item, reactions: toggleReaction(item.reactions, kind).next })),
    onError: (err, _vars, snapshot) => {
      if (snapshot) restore(qc, snapshot);
      toasts.error(failure('react', err));
    },
    onSuccess: (server) => void patchItem(qc, target, (item) => ({ ...item, reactions: server })),
  });
  return (
    <div className="reactions">
      {KINDS.map(({ kind, path, name }) => {
        const mine = reactions.mine.includes(kind);
        return (
          <button
            key={kind}
            type="button"
            className={`reaction${mine ? ' mine' : ''}`}
            aria-pressed={mine}
            disabled={disabled}
            onClick={() => mutation.mutate({ kind, on: toggleReaction(reactions, kind).on })}
          >
            <svg className={`icon icon-${kind}`} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
              <path d={path} fill="currentColor" />
            </svg>
            <span className="visually-hidden">{name}</span> {reactions[kind]}
          </button>
        );
      })}
    </div>
  );
}
