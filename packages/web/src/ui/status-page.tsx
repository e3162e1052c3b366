import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type Comment, type Status } from '@tweeter/shared';
import { useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/client.js';
import { patchItem } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { appendItems, mapItem, type Pages } from '../logic/pages.js';
import { markDeleted, mayDeleteComment } from '../logic/thread.js';
import { InfiniteList } from './infinite-list.js';
import { Reposters } from './reposters.js';
import { useMe, useServices } from './services.js';
import { StatusItem } from './status-item.js';
import { ThreadComposer, ThreadEntry } from './thread.js';
import { ThreadAbove, ThreadBelow } from './thread-view.js';

function CommentItem({ comment, status }: { comment: Comment; status: Status }) {
  const { api, toasts } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteComment(comment.id),
    onSuccess: () => {
      const key = ['comments', status.id];
      const held = qc.getQueryData<Pages<Comment>>(key);
      if (held) qc.setQueryData(key, mapItem(held, comment.id, markDeleted));
      patchItem<Status>(qc, { kind: 'status', id: status.id }, (s) => ({
        ...s,
        commentCount: Math.max(0, s.commentCount - 1),
      }));
    },
    onError: (err) => toasts.error(failure('delete the comment', err)),
  });
  return (
    <ThreadEntry
      kind="comment"
      entry={comment}
      avatarSize={32}
      onDelete={mayDeleteComment(me.alias, comment, status) ? () => remove.mutate() : undefined}
      deleting={remove.isPending}
    />
  );
}

function CommentForm({ status }: { status: Status }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const add = useMutation({
    mutationFn: (text: string) => api.addComment(status.id, text),
    onSuccess: (comment) => {
      const key = ['comments', status.id];
      const held = qc.getQueryData<Pages<Comment>>(key);
      if (held) qc.setQueryData(key, appendItems(held, [comment]));
      patchItem<Status>(qc, { kind: 'status', id: status.id }, (s) => ({ ...s, commentCount: s.commentCount + 1 }));
    },
    onError: (err) => toasts.error(failure('add the comment', err)),
  });
  return (
    <ThreadComposer
      id="comment-text"
      className="comment-form"
      label="Add a comment"
      max={LIMITS.commentMax}
      action="Comment"
      onSend={add.mutateAsync}
    />
  );
}

/**
 * /statuses/:id: the thread above the status, the status, who reposted it, its replies as a tree with a reply box,
 * then its direct replies as comments (oldest first, every page: the older view, kept for the class-chat flows).
 */
export function StatusPage() {
  const id = useParams().id ?? '';
  const { api, toasts } = useServices();
  const me = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ['status', id], queryFn: () => api.status(id) });
  const comments = useInfiniteQuery({
    queryKey: ['comments', id],
    queryFn: ({ pageParam }) => api.comments(id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: status.isSuccess,
  });
  const remove = useMutation({
    mutationFn: () => api.deleteStatus(id),
    onSuccess: () => {
      patchItem(qc, { kind: 'status', id }, () => null);
      toasts.success('Status deleted.');
      navigate(`/users/${me.alias}`);
    },
    onError: (err) => toasts.error(failure('delete the status', err)),
  });
  if (status.isError)
    return (
      <section className="card" role="alert">
        <h1>Status</h1>
        <p>Failed to load the status because of exception: {errorMessage(status.error)}</p>
      </section>
    );
  if (!status.data) return <p className="loading">Loading...</p>;
  const s = status.data;
  return (
    <>
      <h1 className="section-title">Status</h1>
      <ThreadAbove id={s.id} />
      <div className="card">
        <StatusItem status={s} />
        {s.author.alias === me.alias && (
          <button type="button" className="danger small" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Delete status
          </button>
        )}
      </div>
      {s.repostCount > 0 && <Reposters statusId={s.id} />}
      <ThreadBelow status={s} />
      <h2 className="section-title" id="comments">
        Comments
      </h2>
      <CommentForm status={s} />
      <InfiniteList
        query={comments}
        label="Comments"
        what="comments"
        empty="No comments yet."
        render={(c) => <CommentItem comment={c} status={s} />}
      />
    </>
  );
}
