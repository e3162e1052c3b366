import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Status } from '@tweeter/shared';
import { patchItem, restore, type Snapshot } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { toggleRepost } from '../logic/reposts.js';
import { useServices } from './services.js';

// Material Icons "repeat" (Apache-2.0), drawn inline as the reaction icons are.
const PATH = 'M7 7h10v3l4-4-4-4v3H5v6h2V7zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2v4z';

/** Repost with its count; pressed again, undoes it. Shown at once, rolled back if the server says no. */
export function RepostButton({ status }: { status: Status }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const target = { kind: 'status', id: status.id } as const;
  const mutation = useMutation<Status, unknown, boolean, Snapshot>({
    mutationFn: (on) => api.repost(status.id, on),
    onMutate: () => patchItem<Status>(qc, target, (item) => ({ ...item, ...toggleRepost(item) })),
    onError: (err, on, snapshot) => {
      if (snapshot) restore(qc, snapshot);
      toasts.error(failure(on ? 'repost' : 'undo the repost', err));
    },
    onSuccess: (server) =>
      void patchItem<Status>(qc, target, (item) => ({
        ...item,
        repostCount: server.repostCount,
        repostedByMe: server.repostedByMe,
      })),
  });
  const mine = status.repostedByMe;
  return (
    <button
      type="button"
      className={`reaction repost${mine ? ' mine' : ''}`}
      aria-pressed={mine}
      onClick={() => mutation.mutate(!mine)}
    >
      <svg className="icon icon-repost" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
        <path d={PATH} fill="currentColor" />
      </svg>
      <span className="visually-hidden">{mine ? 'Undo repost' : 'Repost'}</span> {status.repostCount}
    </button>
  );
}
