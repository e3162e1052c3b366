import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type Board, type Message } from '@tweeter/shared';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../api/client.js';
import { applyToBoard } from '../logic/board-members.js';
import { patchItem } from '../logic/cache.js';
import { failure } from '../logic/flows.js';
import { prependItems, type Pages } from '../logic/pages.js';
import { markDeleted, mayDeleteMessage } from '../logic/thread.js';
import { BoardMembers } from './board-members.js';
import { InfiniteList } from './infinite-list.js';
import { useBoardLive } from './live.js';
import { ReactionBar } from './reaction-bar.js';
import { useMe, useServices } from './services.js';
import { ThreadComposer, ThreadEntry } from './thread.js';

function MessageItem({ message, board }: { message: Message; board: Board }) {
  const { api, toasts } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const target = { kind: 'message', boardId: board.id, id: message.id } as const;
  const remove = useMutation({
    mutationFn: () => api.deleteMessage(board.id, message.id),
    onSuccess: () => void patchItem<Message>(qc, target, markDeleted),
    onError: (err) => toasts.error(failure('delete the message', err)),
  });
  return (
    <ThreadEntry
      kind="message"
      entry={message}
      avatarSize={40}
      onDelete={mayDeleteMessage(me.alias, message, board.myRole) ? () => remove.mutate() : undefined}
      deleting={remove.isPending}
    >
      <ReactionBar target={target} reactions={message.reactions} disabled={!board.myRole} />
    </ThreadEntry>
  );
}

function Composer({ board }: { board: Board }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const send = useMutation({
    mutationFn: (text: string) => api.postMessage(board.id, text),
    onSuccess: (m) => {
      const held = qc.getQueryData<Pages<Message>>(['messages', board.id]);
      if (held) qc.setQueryData(['messages', board.id], prependItems(held, [m]));
    },
    onError: (err) => toasts.error(failure('send the message', err)),
  });
  return (
    <ThreadComposer
      id="message-text"
      className="post-box"
      label={`Message ${board.name}`}
      hideLabel
      placeholder={`Message ${board.name}`}
      max={LIMITS.messageMax}
      action="Send"
      onSend={send.mutateAsync}
    />
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
  const removed = useBoardLive(id, board.isSuccess);
  const membership = useMutation({
    mutationFn: (join: boolean) =>
      join ? api.setMember(id, me.alias, 'member').then(() => undefined) : api.removeMember(id, me.alias),
    onSuccess: (_, join) => {
      const held = qc.getQueryData<Board>(['board', id]);
      // A private board no longer answers someone who left it: update what is held instead of reading it again.
      if (!join && held?.visibility === 'private')
        qc.setQueryData(['board', id], applyToBoard(held, { kind: 'removed', alias: me.alias }, me.alias));
      else void qc.invalidateQueries({ queryKey: ['board', id] });
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
        {b.myRole === 'owner' && (
          <Link to={`/boards/${b.id}/settings`} className="button-link">
            Board settings
          </Link>
        )}
        {b.myRole && b.myRole !== 'owner' && (
          <button type="button" disabled={membership.isPending} onClick={() => membership.mutate(false)}>
            Leave board
          </button>
        )}
      </section>
      {removed && !b.myRole && (
        <p className="card notice" role="status">
          You are no longer a member of this board.
          {b.visibility === 'private' ? ' You will see no new messages here.' : ''}
        </p>
      )}
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
