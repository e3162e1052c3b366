import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { Board, Member } from '@tweeter/shared';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { failure } from '../logic/flows.js';
import { Avatar } from './avatar.js';
import { InfiniteList } from './infinite-list.js';
import { useMe, useServices } from './services.js';

type Role = 'member' | 'moderator';

/** Members and their roles; the owner and moderators add and remove people, the owner sets roles. */
export function BoardMembers({ board }: { board: Board }) {
  const { api, toasts } = useServices();
  const me = useMe();
  const qc = useQueryClient();
  const [alias, setAlias] = useState('');
  const [role, setRole] = useState<Role>('member');
  const isOwner = board.myRole === 'owner';
  const manages = isOwner || board.myRole === 'moderator';
  const query = useInfiniteQuery({
    queryKey: ['members', board.id],
    queryFn: ({ pageParam }) => api.members(board.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    select: (data) => ({
      ...data,
      pages: data.pages.map((p) => ({ ...p, items: p.items.map((m) => ({ ...m, id: m.user.alias })) })),
    }),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['members', board.id] });
    void qc.invalidateQueries({ queryKey: ['board', board.id] });
  };
  const set = useMutation({
    mutationFn: (v: { alias: string; role: Role }) => api.setMember(board.id, v.alias, v.role),
    onSuccess: (m) => {
      setAlias('');
      toasts.success(`${m.user.firstName} ${m.user.lastName} is now a ${m.role}.`);
      refresh();
    },
    onError: (err) => toasts.error(failure('update the member', err)),
  });
  const remove = useMutation({
    mutationFn: (who: string) => api.removeMember(board.id, who),
    onSuccess: refresh,
    onError: (err) => toasts.error(failure('remove the member', err)),
  });

  function add(e: FormEvent) {
    e.preventDefault();
    if (alias.trim()) set.mutate({ alias: alias.trim(), role });
  }

  const row = (m: Member & { id: string }) => (
    <div className="member-row">
      <Avatar user={m.user} size={32} />
      <Link to={`/users/${m.user.alias}`}>
        {m.user.firstName} {m.user.lastName}
      </Link>
      <span className="badge">{m.role}</span>
      {isOwner && m.role !== 'owner' && (
        <label className="inline">
          <span className="visually-hidden">Role of {m.user.alias}</span>
          <select value={m.role} onChange={(e) => set.mutate({ alias: m.user.alias, role: e.target.value as Role })}>
            <option value="member">member</option>
            <option value="moderator">moderator</option>
          </select>
        </label>
      )}
      {manages && m.role !== 'owner' && m.user.alias !== me.alias && (isOwner || m.role === 'member') && (
        <button type="button" className="small" onClick={() => remove.mutate(m.user.alias)}>
          Remove
        </button>
      )}
    </div>
  );

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {manages && (
        <form className="form inline-form" onSubmit={add}>
          <label>
            Add by alias
            <input value={alias} autoCapitalize="none" onChange={(e) => setAlias(e.target.value)} />
          </label>
          {isOwner && (
            <label>
              Role
              <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
                <option value="member">member</option>
                <option value="moderator">moderator</option>
              </select>
            </label>
          )}
          <button type="submit" disabled={!alias.trim() || set.isPending}>
            Add member
          </button>
        </form>
      )}
      <InfiniteList query={query} label="Member list" what="members" empty="No members." render={row} />
    </section>
  );
}
