import type { FeedItem, Status } from '@tweeter/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { repostedByLabel } from '../logic/reposts.js';
import { goneText } from '../logic/thread-tree.js';
import { fullTime, shortTime } from '../logic/time.js';
import { Avatar } from './avatar.js';
import { LinkCard } from './link-card.js';
import { MediaGrid } from './media-grid.js';
import { QuoteComposer, QuotedCard } from './quote.js';
import { ReactionBar } from './reaction-bar.js';
import { RepostButton } from './repost-button.js';
import { StatusText } from './status-text.js';

/**
 * One status: picture, name and @alias (to their page), time (to the status page), what it replies to, text, the
 * status it quotes, reactions, comments, reply, repost and quote; a feed item that came as a repost says who
 * reposted it, above. A status that is gone keeps its place as "unavailable".
 */
export function StatusItem({
  status,
  label = 'Status',
}: {
  status: Status & Partial<Pick<FeedItem, 'repostedBy'>>;
  label?: string;
}) {
  const [quoting, setQuoting] = useState(false);
  if (status.deleted) return <p className="status deleted">{goneText(status)}</p>;
  const a = status.author;
  const name = `${a.firstName} ${a.lastName}`;
  const by = status.repostedBy ?? null;
  return (
    <article className="status" aria-label={`${label} by ${name}`}>
      <Link to={`/users/${a.alias}`} className="status-avatar" tabIndex={-1} aria-hidden="true">
        <Avatar user={a} />
      </Link>
      <div className="status-body">
        {by && (
          <p className="reposted-by">
            <Link to={`/users/${by.alias}`}>{repostedByLabel(by)}</Link>
          </p>
        )}
        <header className="status-head">
          <Link to={`/users/${a.alias}`} className="name">
            {name}
          </Link>{' '}
          <Link to={`/users/${a.alias}`} className="alias">
            @{a.alias}
          </Link>{' '}
          <Link to={`/statuses/${status.id}`} className="time">
            <time dateTime={status.createdAt} title={fullTime(status.createdAt)}>
              {shortTime(status.createdAt)}
            </time>
          </Link>
        </header>
        {status.inReplyTo && (
          <p className="replying-to small">
            Replying to{' '}
            <Link to={`/statuses/${status.inReplyTo.id}`}>
              {status.inReplyTo.author.alias ? `@${status.inReplyTo.author.alias}` : 'a status'}
            </Link>
          </p>
        )}
        <StatusText segments={status.segments} />
        <MediaGrid media={status.media ?? []} />
        {status.card && <LinkCard card={status.card} />}
        {status.quote && <QuotedCard quote={status.quote} />}
        <footer className="status-foot">
          <ReactionBar target={{ kind: 'status', id: status.id }} reactions={status.reactions} />
          <Link to={`/statuses/${status.id}`} className="comments-link">
            {status.commentCount === 1 ? '1 comment' : `${status.commentCount} comments`}
          </Link>
          <Link to={`/statuses/${status.id}#reply`} className="reply-link" aria-label={`Reply to ${name}`}>
            Reply
          </Link>
          <RepostButton status={status} />
          <button
            type="button"
            className="link-button small"
            aria-expanded={quoting}
            aria-label={`Quote ${name} (${status.quoteCount} ${status.quoteCount === 1 ? 'quote' : 'quotes'})`}
            onClick={() => setQuoting((q) => !q)}
          >
            Quote{status.quoteCount > 0 ? ` (${status.quoteCount})` : ''}
          </button>
        </footer>
        {quoting && <QuoteComposer status={status} onDone={() => setQuoting(false)} />}
      </div>
    </article>
  );
}
