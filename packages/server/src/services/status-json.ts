import type { Reactions, Status } from '@tweeter/shared';
import type { StatusRecord } from '../ports/store.js';
import type { UserPresenter } from './user-presenter.js';
import type { JsonBytes } from './json-bytes.js';

/** A status without its quote as JSON: the cached bytes of its fixed part, then the per-read rest. */
export interface FlatJson {
  head: Buffer;
  /** From the counts up to `"quote":` included. */
  tail: string;
}

/**
 * A status's JSON in parts: `head`, `tail`, then the embedded quote (its own cached head and per-read tail, or its
 * text: `null` or a tombstone), without the closing `}` (the caller appends its own fields or closes it).
 */
export interface StatusJson extends FlatJson {
  /** Its own cached head and per-read tail, or its text (a tombstone); '' where `tail` holds it already (null). */
  quote: FlatJson | string;
}

/** Pushes a status's parts (no closing `}`): the cached bytes are copied, not encoded again. */
export function pushStatusJson(body: JsonBytes, status: StatusJson): JsonBytes {
  body.push(status.head).push(status.tail);
  if (typeof status.quote === 'string') return status.quote === '' ? body : body.push(status.quote);
  // An embedded quote has no quote of its own: it closes here.
  return body.push(status.quote.head).push(`${status.quote.tail}null}`);
}

/** The per-read fields of a status, in the order the Status object has them, up to `"quote":` included. */
export function tailJson(t: {
  reactions: Reactions | undefined;
  replies: number;
  reposts: number;
  repostedByMe: boolean;
  cardJson: string;
  inReplyToJson: string;
  quoteId: string | undefined;
  quotes: number;
}): string {
  return (
    `"reactions":${reactionsJson(t.reactions)},"commentCount":${t.replies},` +
    `"repostCount":${t.reposts},"repostedByMe":${t.repostedByMe},` +
    `"card":${t.cardJson},"inReplyTo":${t.inReplyToJson},` +
    `"quoteId":${JSON.stringify(t.quoteId ?? null)},"replyCount":${t.replies},"quoteCount":${t.quotes},` +
    `"deleted":false,"quote":`
  );
}

// `JSON.stringify` of the Reactions object `records` gives (zeros and no `mine` for a status nobody reacted to).
function reactionsJson(reactions: Reactions | undefined): string {
  if (reactions === undefined) return '{"like":0,"heart":0,"mine":[]}';
  return `{"like":${reactions.like},"heart":${reactions.heart},"mine":${JSON.stringify(reactions.mine)}}`;
}

/** The fields of a Status that never change, in the order the Status object has them. */
export function fixedFields(
  r: StatusRecord,
  presenter: UserPresenter,
): Pick<Status, 'post' | 'segments' | 'createdAt' | 'media'> {
  return {
    post: r.post,
    segments: r.segments,
    createdAt: new Date(r.createdAt).toISOString(),
    media: (r.media ?? []).map((m) => presenter.media(m)),
  };
}
