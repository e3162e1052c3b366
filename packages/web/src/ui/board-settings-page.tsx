import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type AuditEntry, type Board } from '@tweeter/shared';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../api/client.js';
import { describeAudit, settingsChanges, settingsFields } from '../logic/board-settings.js';
import { fullTime, shortTime } from '../logic/time.js';
import { Problems, useEditForm } from './form-parts.js';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';

function SettingsForm({ board }: { board: Board }) {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const { field, problems, canSave, submit } = useEditForm({
    initial: () => settingsFields(board),
    diff: (typed) => settingsChanges(board, typed),
    save: (changes) => api.updateBoard(board.id, changes),
    fieldsOf: settingsFields,
    onSaved: (next) => {
      qc.setQueryData(['board', board.id], next);
      toasts.success('Board settings saved.');
      void qc.invalidateQueries({ queryKey: ['boards'] });
      void qc.invalidateQueries({ queryKey: ['audit', board.id] });
    },
    what: 'save the board settings',
  });
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <label>
        Board name
        <input {...field('name')} />
      </label>
      <label>
        Description
        <textarea rows={2} {...field('description')} />
      </label>
      <label>
        Keep messages for (days)
        <input
          type="number"
          inputMode="numeric"
          min={LIMITS.retentionDaysMin}
          max={LIMITS.retentionDaysMax}
          placeholder="forever"
          aria-describedby="retention-help"
          {...field('retentionDays')}
        />
      </label>
      <p id="retention-help" className="muted">
        Leave empty to keep messages forever. Older messages disappear from the board.
      </p>
      <Problems problems={problems} />
      <div className="post-actions">
        <span className="muted">Visibility ({board.visibility}) is set when a board is created.</span>
        <button type="submit" className="primary" disabled={!canSave}>
          Save settings
        </button>
      </div>
    </form>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <p className="audit-row">
      <span>{describeAudit(entry)}</span>{' '}
      <time className="time" dateTime={entry.createdAt} title={fullTime(entry.createdAt)}>
        {shortTime(entry.createdAt)}
      </time>
    </p>
  );
}

function AuditLog({ board }: { board: Board }) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['audit', board.id],
    queryFn: ({ pageParam }) => api.audit(board.id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <InfiniteList
        query={query}
        label="Audit log entries"
        what="the audit log"
        empty="Nothing recorded yet."
        render={(e) => <AuditRow entry={e} />}
      />
    </section>
  );
}

/** /boards/:id/settings: name, description and retention, and the audit log; the owner's only. */
export function BoardSettingsPage() {
  const id = useParams().id ?? '';
  const { api } = useServices();
  const board = useQuery({ queryKey: ['board', id], queryFn: () => api.board(id) });
  if (board.isError)
    return (
      <section className="card" role="alert">
        <h1>Board settings</h1>
        <p>Failed to load the board because of exception: {errorMessage(board.error)}</p>
      </section>
    );
  if (!board.data) return <p className="loading">Loading...</p>;
  const b = board.data;
  return (
    <>
      <h1 className="section-title">Board settings: {b.name}</h1>
      <p>
        <Link to={`/boards/${b.id}`}>Back to the board</Link>
      </p>
      {b.myRole === 'owner' ? (
        <>
          <SettingsForm key={b.id} board={b} />
          <AuditLog board={b} />
        </>
      ) : (
        <section className="card" role="alert">
          <p>Only the board's owner can change its settings and read its audit log.</p>
        </section>
      )}
    </>
  );
}
