import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type Status } from '@tweeter/shared';
import { errorMessage } from '../api/client.js';
import { patchItem } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { MAX_INDENT, treeRows } from '../logic/thread-tree.js';
import { useServices } from './services.js';
import { StatusItem } from './status-item.js';
import { ThreadComposer } from './thread.js';

// The thread around a status (GET /statuses/{id}/context), read by the part above it and the part below: the first
// part has the ancestors and 200 descendants, each next part (nextCursor) the next 200 descendants of the tree.
function useContext(id: string) {
  const { api } = useServices();
  return useInfiniteQuery({
    queryKey: ['context', id],
    queryFn: ({ pageParam }) => api.context(id, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The statuses above this one in its thread, root first. */
export function ThreadAbove({ id }: { id: string }) {
  const context = useContext(id);
  const ancestors = context.data?.pages[0]?.ancestors ?? [];
  if (ancestors.length === 0) return null;
  return (
    <section className="card thread-above" aria-label="Earlier in the thread">
      {ancestors.map((s) => (
        <StatusItem key={s.id} status={s} />
      ))}
    </section>
  );
}

/** The reply box and the replies below the status, as a tree (depth first, indented by depth). */
export function ThreadBelow({ status }: { status: Status }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const context = useContext(status.id);
  const reply = useMutation({
    mutationFn: (text: string) => api.postRef(text, { inReplyToId: status.id }),
    onSuccess: () => {
      patchItem<Status>(qc, { kind: 'status', id: status.id }, (s) => ({
        ...s,
        replyCount: s.replyCount + 1,
        commentCount: s.commentCount + 1,
      }));
      void qc.invalidateQueries({ queryKey: ['context', status.id] });
      void qc.invalidateQueries({ queryKey: ['comments', status.id] });
    },
    onError: (err) => toasts.error(failure('post the reply', err)),
  });
  const descendants = context.data?.pages.flatMap((p) => p.descendants) ?? [];
  const rows = treeRows(status.id, descendants);
  return (
    <section aria-labelledby="replies-title">
      <h2 className="section-title" id="replies-title">
        Replies
      </h2>
      <div id="reply">
        <ThreadComposer
          id="reply-text"
          className="reply-form"
          label={`Reply to @${status.author.alias}`}
          max={LIMITS.postMax}
          action="Reply"
          onSend={reply.mutateAsync}
        />
      </div>
      {context.isError && (
        <p role="alert">Failed to load the replies because of exception: {errorMessage(context.error)}</p>
      )}
      {context.data && rows.length === 0 && <p className="empty">No replies yet.</p>}
      {rows.length > 0 && (
        <ol className="thread-tree" aria-label="Replies">
          {rows.map(({ status: s, depth }) => (
            <li
              key={s.id}
              className="thread-row"
              style={{ marginLeft: `${(Math.min(depth, MAX_INDENT) - 1) * 1.25}rem` }}
            >
              <StatusItem status={s} label="Reply" />
            </li>
          ))}
        </ol>
      )}
      {context.hasNextPage && (
        <button
          type="button"
          className="show-more"
          disabled={context.isFetchingNextPage}
          onClick={() => void context.fetchNextPage()}
        >
          {context.isFetchingNextPage ? 'Loading more replies…' : 'Show more replies'}
        </button>
      )}
    </section>
  );
}
