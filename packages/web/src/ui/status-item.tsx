import type { FeedItem, Status } from '@tweeter/shared';
import { repostedByLabel } from '../logic/reposts.js';
import { Link } from 'react-router';
import { fullTime, shortTime } from '../logic/time.js';
import { Avatar } from './avatar.js';
import { LinkCard } from './link-card.js';
import { MediaGrid } from './media-grid.js';
import { ReactionBar } from './reaction-bar.js';
import { RepostButton } from './repost-button.js';
import { StatusText } from './status-text.js';

/**
 * One status: picture, name and @alias (to their page), time (to the status page), text, reactions, repost,
 * comments; a feed item that came as a repost says who reposted it, above.
 */
export function StatusItem({ status }: { status: Status & Partial<Pick<FeedItem, 'repostedBy'>> }) {
  const a = status.author;
  const name = `${a.firstName} ${a.lastName}`;
  const by = status.repostedBy ?? null;
  return (
    <article className="status" aria-label={`Status by ${name}`}>
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
        <StatusText segments={status.segments} />
        <MediaGrid media={status.media ?? []} />
        {status.card && <LinkCard card={status.card} />}
        <footer className="status-foot">
          <ReactionBar target={{ kind: 'status', id: status.id }} reactions={status.reactions} />
          <RepostButton status={status} />
          <Link to={`/statuses/${status.id}`} className="comments-link">
            {status.commentCount === 1 ? '1 comment' : `${status.commentCount} comments`}
          </Link>
        </footer>
      </div>
    </article>
  );
}
