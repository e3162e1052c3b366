import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type Board, type BoardVisibility } from '@tweeter/shared';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { failure } from '../logic/flows.js';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';

function BoardRow({ board }: { board: Board }) {
  return (
    <Link to={`/boards/${board.id}`} className="board-row">
      <span className="name">{board.name}</span>
      <span className="badge">{board.visibility}</span>
      {board.myRole && <span className="badge">{board.myRole}</span>}
      <span className="muted">
        {board.memberCount} {board.memberCount === 1 ? 'member' : 'members'}
      </span>
      {board.description && <span className="board-description">{board.description}</span>}
    </Link>
  );
}

function CreateBoard() {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<BoardVisibility>('public');
  const create = useMutation({
    mutationFn: () => api.createBoard({ name: name.trim(), description: description.trim(), visibility }),
    onSuccess: (board) => {
      void qc.invalidateQueries({ queryKey: ['boards'] });
      qc.setQueryData(['board', board.id], board);
      navigate(`/boards/${board.id}`);
    },
    onError: (err) => toasts.error(failure('create the board', err)),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() && !create.isPending) create.mutate();
  }
  return (
    <form className="card form" onSubmit={submit} aria-label="Create a board">
      <h2>Create a board</h2>
      <label>
        Board name
        <input value={name} maxLength={LIMITS.boardNameMax} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Description (optional)
        <input
          value={description}
          maxLength={LIMITS.boardDescriptionMax}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <label>
        Visibility
        <select value={visibility} onChange={(e) => setVisibility(e.target.value as BoardVisibility)}>
          <option value="public">Public: anyone can read and join</option>
          <option value="private">Private: members only</option>
        </select>
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || create.isPending}>
        Create board
      </button>
    </form>
  );
}

/** /boards: the public boards and mine, newest first, and a form to start one. */
export function BoardsPage() {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['boards'],
    queryFn: ({ pageParam }) => api.boards(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  return (
    <>
      <h1 className="section-title">Boards</h1>
      <CreateBoard />
      <InfiniteList
        query={query}
        label="Boards"
        what="boards"
        empty="No boards yet: create the first one."
        render={(b) => <BoardRow board={b} />}
      />
    </>
  );
}
