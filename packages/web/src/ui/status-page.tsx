import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS, codePointLength, type Comment, type Status } from '@tweeter/shared';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/client.js';
import { patchItem } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { appendItems, mapItem, type Pages } from '../logic/pages.js';
import { fullTime, shortTime } from '../logic/time.js';
import { Avatar } from './avatar.js';
import { InfiniteList } from './infinite-list.js';
import { useMe, useServices } from './services.js';
import { StatusItem } from './status-item.js';

function CommentItem({ comment, status }: { comment: Comment; status: Status }) {
  const { api, toasts } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteComment(comment.id),
    onSuccess: () => {
      const key = ['comments', status.id];
      const held = qc.getQueryData<Pages<Comment>>(key);
      if (held)
        qc.setQueryData(
          key,
          mapItem(held, comment.id, (c) => ({ ...c, deleted: true, text: '' })),
        );
      patchItem<Status>(qc, { kind: 'status', id: status.id }, (s) => ({
        ...s,
        commentCount: Math.max(0, s.commentCount - 1),
      }));
    },
    onError: (err) => toasts.error(failure('delete the comment', err)),
  });
  if (comment.deleted) return <p className="comment deleted">This comment was deleted.</p>;
  const a = comment.author;
  const mayDelete = a.alias === me.alias || status.author.alias === me.alias;
  return (
    <article className="comment" aria-label={`Comment by ${a.firstName} ${a.lastName}`}>
      <Avatar user={a} size={32} />
      <div>
        <header className="status-head">
          <Link to={`/users/${a.alias}`} className="name">
            {a.firstName} {a.lastName}
          </Link>{' '}
          <span className="alias">@{a.alias}</span>{' '}
          <time className="time" dateTime={comment.createdAt} title={fullTime(comment.createdAt)}>
            {shortTime(comment.createdAt)}
          </time>
        </header>
        <p className="post-text">{comment.text}</p>
        {mayDelete && (
          <button
            type="button"
            className="link-button small"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Delete comment
          </button>
        )}
      </div>
    </article>
  );
}

function CommentForm({ status }: { status: Status }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const n = codePointLength(text.trim());
  const add = useMutation({
    mutationFn: () => api.addComment(status.id, text.trim()),
    onSuccess: (comment) => {
      setText('');
      const key = ['comments', status.id];
      const held = qc.getQueryData<Pages<Comment>>(key);
      if (held) qc.setQueryData(key, appendItems(held, [comment]));
      patchItem<Status>(qc, { kind: 'status', id: status.id }, (s) => ({ ...s, commentCount: s.commentCount + 1 }));
    },
    onError: (err) => toasts.error(failure('add the comment', err)),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (n >= 1 && n <= LIMITS.commentMax && !add.isPending) add.mutate();
  }
  return (
    <form className="card comment-form" onSubmit={submit}>
      <label htmlFor="comment-text">Add a comment</label>
      <textarea id="comment-text" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="post-actions">
        <span className={`counter${n > LIMITS.commentMax ? ' over' : ''}`}>
          {LIMITS.commentMax - n} characters left
        </span>
        <button type="submit" className="primary" disabled={n < 1 || n > LIMITS.commentMax || add.isPending}>
          Comment
        </button>
      </div>
    </form>
  );
}

/** /statuses/:id: the status, its reactions, its comments (oldest first) and a comment box. */
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
      <div className="card">
        <StatusItem status={s} />
        {s.author.alias === me.alias && (
          <button type="button" className="danger small" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Delete status
          </button>
        )}
      </div>
      <h2 className="section-title">Comments</h2>
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
