import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactionKind, Reactions } from '@tweeter/shared';
import { patchItem, restore, type Snapshot, type Target } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { toggleReaction } from '../logic/reactions.js';
import { useServices } from './services.js';

const KINDS: { kind: ReactionKind; icon: string; name: string }[] = [
  { kind: 'like', icon: '👍', name: 'Like' },
  { kind: 'heart', icon: '❤️', name: 'Heart' },
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
      {KINDS.map(({ kind, icon, name }) => {
        const mine = reactions.mine.includes(kind);
        return (
          <button
            key={kind}
            type="button"
            className={`reaction${mine ? ' mine' : ''}`}
            aria-pressed={mine}
            aria-label={`${name} (${reactions[kind]})`}
            disabled={disabled}
            onClick={() => mutation.mutate({ kind, on: toggleReaction(reactions, kind).on })}
          >
            <span aria-hidden="true">{icon}</span> {reactions[kind]}
          </button>
        );
      })}
    </div>
  );
}
