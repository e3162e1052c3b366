import type { Segment } from '@tweeter/shared';
import { Link } from 'react-router';

/**
 * A post as the server split it: @mentions link to profiles, #hashtags to their tag page, URLs open in a new tab;
 * newlines kept (CSS).
 */
export function StatusText({ segments }: { segments: Segment[] }) {
  return (
    <p className="post-text">
      {segments.map((s, i) =>
        s.type === 'mention' && s.alias ? (
          <Link key={i} to={`/users/${s.alias}`}>
            {s.text}
          </Link>
        ) : s.type === 'hashtag' && s.tag ? (
          <Link key={i} to={`/tags/${encodeURIComponent(s.tag)}`} className="hashtag">
            {s.text}
          </Link>
        ) : s.type === 'url' ? (
          <a key={i} href={s.text} target="_blank" rel="noopener noreferrer">
            {s.text}
          </a>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </p>
  );
}
