import type { User } from '@tweeter/shared';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { postState } from '../logic/forms.js';
import { fullTime, shortTime } from '../logic/time.js';
import { deletedText } from '../logic/thread.js';
import { Avatar } from './avatar.js';

/**
 * One entry of a thread (a board message, a comment on a status): author, time, text, then the footer the
 * screen adds (reactions), and a delete button for those allowed to use it.
 */
export function ThreadEntry({
  kind,
  entry,
  avatarSize,
  onDelete,
  deleting,
  children,
}: {
  kind: 'message' | 'comment';
  entry: { author: User; createdAt: string; text: string; deleted: boolean };
  avatarSize: number;
  /** Absent when I may not delete it. */
  onDelete?: () => void;
  deleting?: boolean;
  children?: ReactNode;
}) {
  if (entry.deleted) return <p className={`${kind} deleted`}>{deletedText(kind)}</p>;
  const a = entry.author;
  const name = `${a.firstName} ${a.lastName}`;
  const Kind = kind === 'message' ? 'Message' : 'Comment';
  return (
    <article className={`status ${kind}`} aria-label={`${Kind} by ${name}`}>
      <Avatar user={a} size={avatarSize} />
      <div className="status-body">
        <header className="status-head">
          <Link to={`/users/${a.alias}`} className="name">
            {name}
          </Link>{' '}
          <span className="alias">@{a.alias}</span>{' '}
          <time className="time" dateTime={entry.createdAt} title={fullTime(entry.createdAt)}>
            {shortTime(entry.createdAt)}
          </time>
        </header>
        <p className="post-text">{entry.text}</p>
        {(children || onDelete) && (
          <footer className="status-foot">
            {children}
            {onDelete && (
              <button type="button" className="link-button small" disabled={deleting} onClick={onDelete}>
                Delete {kind}
              </button>
            )}
          </footer>
        )}
      </div>
    </article>
  );
}

/**
 * The box that adds to a thread: a counter of characters left (counted as the server counts them), the button
 * enabled only for 1 to `max` characters. The text stays after a failure (the screen's toast says why) and clears
 * on success.
 */
export function ThreadComposer({
  id,
  label,
  hideLabel,
  placeholder,
  max,
  action,
  className,
  onSend,
}: {
  id: string;
  label: string;
  hideLabel?: boolean;
  placeholder?: string;
  max: number;
  action: string;
  className: string;
  /** Sends the trimmed text; rejects when it was not sent. */
  onSend: (text: string) => Promise<unknown>;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const state = postState(text, max);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!state.canPost || busy) return;
    setBusy(true);
    try {
      await onSend(text.trim());
      setText('');
    } catch {
      // Kept for another try; the screen has said what went wrong.
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className={`card ${className}`} onSubmit={(e) => void submit(e)}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <textarea id={id} rows={2} placeholder={placeholder} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="post-actions">
        <span className={`counter${state.left < 0 ? ' over' : ''}`}>{state.left} characters left</span>
        <button type="submit" className="primary" disabled={!state.canPost || busy}>
          {action}
        </button>
      </div>
    </form>
  );
}
