import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS, codePointLength, type Board, type Message } from '@tweeter/shared';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../api/client.js';
import { patchItem } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { prependItems, type Pages } from '../logic/pages.js';
import { fullTime, shortTime } from '../logic/time.js';
import { Avatar } from './avatar.js';
import { BoardMembers } from './board-members.js';
import { InfiniteList } from './infinite-list.js';
import { useBoardLive } from './live.js';
import { ReactionBar } from './reaction-bar.js';
import { useMe, useServices } from './services.js';

function MessageItem({ message, board }: { message: Message; board: Board }) {
  const { api, toasts } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.deleteMessage(board.id, message.id),
    onSuccess: () =>
      void patchItem<Message>(qc, { kind: 'message', boardId: board.id, id: message.id }, (m) => ({
        ...m,
        deleted: true,
        text: '',
      })),
    onError: (err) => toasts.error(failure('delete the message', err)),
  });
  if (message.deleted) return <p className="message deleted">This message was deleted.</p>;
  const a = message.author;
  const mayDelete = a.alias === me.alias || board.myRole === 'owner' || board.myRole === 'moderator';
  return (
    <article className="status message" aria-label={`Message by ${a.firstName} ${a.lastName}`}>
      <Avatar user={a} size={40} />
      <div className="status-body">
        <header className="status-head">
          <Link to={`/users/${a.alias}`} className="name">
            {a.firstName} {a.lastName}
          </Link>{' '}
          <span className="alias">@{a.alias}</span>{' '}
          <time className="time" dateTime={message.createdAt} title={fullTime(message.createdAt)}>
            {shortTime(message.createdAt)}
          </time>
        </header>
        <p className="post-text">{message.text}</p>
        <footer className="status-foot">
          <ReactionBar
            target={{ kind: 'message', boardId: board.id, id: message.id }}
            reactions={message.reactions}
            disabled={!board.myRole}
          />
          {mayDelete && (
            <button
              type="button"
              className="link-button small"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              Delete message
            </button>
          )}
        </footer>
      </div>
    </article>
  );
}

function Composer({ board }: { board: Board }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const n = codePointLength(text.trim());
  const send = useMutation({
    mutationFn: () => api.postMessage(board.id, text.trim()),
    onSuccess: (m) => {
      setText('');
      const held = qc.getQueryData<Pages<Message>>(['messages', board.id]);
      if (held) qc.setQueryData(['messages', board.id], prependItems(held, [m]));
    },
    onError: (err) => toasts.error(failure('send the message', err)),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (n >= 1 && n <= LIMITS.messageMax && !send.isPending) send.mutate();
  }
  return (
    <form className="card post-box" onSubmit={submit}>
      <label htmlFor="message-text" className="visually-hidden">
        Message {board.name}
      </label>
      <textarea
        id="message-text"
        rows={2}
        placeholder={`Message ${board.name}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="post-actions">
        <span className={`counter${n > LIMITS.messageMax ? ' over' : ''}`}>
          {LIMITS.messageMax - n} characters left
        </span>
        <button type="submit" className="primary" disabled={n < 1 || n > LIMITS.messageMax || send.isPending}>
          Send
        </button>
      </div>
    </form>
  );
}

/** /boards/:id: the board, its composer and live timeline (newest first), its members. */
export function BoardPage() {
  const id = useParams().id ?? '';
  const { api, toasts } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const board = useQuery({ queryKey: ['board', id], queryFn: () => api.board(id) });
  const messages = useInfiniteQuery({
    queryKey: ['messages', id],
    queryFn: ({ pageParam }) => api.messages(id, { before: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: board.isSuccess,
  });
  useBoardLive(id, board.isSuccess);
  const membership = useMutation({
    mutationFn: (join: boolean) =>
      join ? api.setMember(id, me.alias, 'member').then(() => undefined) : api.removeMember(id, me.alias),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['board', id] });
      void qc.invalidateQueries({ queryKey: ['members', id] });
      void qc.invalidateQueries({ queryKey: ['boards'] });
    },
    onError: (err) => toasts.error(failure('change the membership', err)),
  });

  if (board.isError)
    return (
      <section className="card" role="alert">
        <h1>Board</h1>
        <p>Failed to load the board because of exception: {errorMessage(board.error)}</p>
      </section>
    );
  if (!board.data) return <p className="loading">Loading...</p>;
  const b = board.data;
  return (
    <>
      <section className="card board-head">
        <h1>{b.name}</h1>
        {b.description && <p>{b.description}</p>}
        <p className="muted">
          <span className="badge">{b.visibility}</span> {b.memberCount} {b.memberCount === 1 ? 'member' : 'members'} ·
          owned by <Link to={`/users/${b.owner.alias}`}>@{b.owner.alias}</Link>
          {b.myRole && (
            <>
              {' '}
              · you are <span className="badge">{b.myRole}</span>
            </>
          )}
        </p>
        {!b.myRole && b.visibility === 'public' && (
          <button
            type="button"
            className="primary"
            disabled={membership.isPending}
            onClick={() => membership.mutate(true)}
          >
            Join board
          </button>
        )}
        {b.myRole && b.myRole !== 'owner' && (
          <button type="button" disabled={membership.isPending} onClick={() => membership.mutate(false)}>
            Leave board
          </button>
        )}
      </section>
      {b.myRole && <Composer board={b} />}
      <div className="board-grid">
        <div>
          <h2 className="section-title">Messages</h2>
          <InfiniteList
            query={messages}
            label="Messages"
            what="messages"
            empty="No messages yet."
            render={(m) => <MessageItem message={m} board={b} />}
          />
        </div>
        <BoardMembers board={b} />
      </div>
    </>
  );
}
