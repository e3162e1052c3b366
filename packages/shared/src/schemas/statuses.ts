import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { codePointLength } from '../segments.js';
import { requestBody } from './request-body.js';
import { Card } from './cards.js';
import { User } from './users.js';
import { EXAMPLES } from './examples.js';
import { Media } from './media.js';

export const REACTION_KINDS = ['like', 'heart'] as const;
export const ReactionKind = z.enum(REACTION_KINDS);
export type ReactionKind = z.infer<typeof ReactionKind>;

export const Reactions = z
  .object({ like: z.number().int(), heart: z.number().int(), mine: z.array(ReactionKind) })
  .meta({ id: 'Reactions', examples: [EXAMPLES.reactions] });
export type Reactions = z.infer<typeof Reactions>;

export const SegmentSchema = z
  .object({
    type: z.enum(['text', 'mention', 'url', 'hashtag']),
    text: z.string(),
    start: z.number().int().describe('offset in Unicode code points'),
    end: z.number().int(),
    alias: z.string().optional().describe('present on mentions'),
    tag: z.string().optional().describe('present on hashtags: the tag, lower-case, without #'),
  })
  .meta({ id: 'Segment' });

// The fields every Status has; a quoted status embedded in another has them too, with `quote: null` (one level).
const statusFields = {
  id: z.string(),
  author: User.describe('an empty User (alias "") when `deleted`'),
  post: z.string().describe('empty when `deleted`'),
  segments: z.array(SegmentSchema),
  createdAt: z.string(),
  media: z.array(Media).describe(`0 to ${LIMITS.mediaPerStatus} images`),
  reactions: Reactions,
  commentCount: z.number().int().describe('the same number as `replyCount` (kept for older clients)'),
  repostCount: z.number().int().describe('how many accounts reposted it'),
  repostedByMe: z.boolean().describe('whether I reposted it (false in a live push, which goes to many)'),
  card: Card.nullable().describe('preview of the first URL; null until the server has fetched it, or none'),
  inReplyTo: z
    .object({ id: z.string(), author: User })
    .nullable()
    .describe('the status this one replies to (its author as they were when I replied), or null'),
  quoteId: z
    .string()
    .nullable()
    .describe('the id of the status this one quotes, or null (set even when `quote` is not embedded)'),
  replyCount: z.number().int().describe('direct replies that are not deleted'),
  quoteCount: z.number().int().describe('statuses quoting this one that are not deleted'),
  deleted: z
    .boolean()
    .describe(
      'true for a status that is gone but keeps its place (a deleted reply in a thread, a quoted status that was deleted or that I may not see): `post` and `segments` empty, `media` empty, `card` null, author an empty User, counts 0',
    ),
};

export const QuotedStatus = z
  .object({ ...statusFields, quote: z.null().describe('always null one level down: read `quoteId`') })
  .meta({ id: 'QuotedStatus' });
export type QuotedStatus = z.infer<typeof QuotedStatus>;

export const Status = z
  .object({
    ...statusFields,
    quote: QuotedStatus.nullable().describe(
      'the quoted status, embedded one level deep; a deleted or invisible one has `deleted: true`; null when this is not a quote',
    ),
  })
  .meta({ id: 'Status', examples: [EXAMPLES.status] });
export type Status = z.infer<typeof Status>;

/** An item of the home feed: the status, and who reposted it when it reached the feed as a repost. */
export const FeedItem = Status.extend({
  repostedBy: User.nullable().describe('who reposted it into my feed; null when it reached my feed as itself'),
  repostedAt: z.string().nullable().describe('when it was reposted; null when not a repost'),
}).meta({ id: 'FeedItem' });
export type FeedItem = z.infer<typeof FeedItem>;

export const PostStatusRequest = requestBody({
  post: z
    .string()
    .trim()
    .refine((s) => {
      const n = codePointLength(s);
      return n >= 1 && n <= LIMITS.postMax;
    }, `must be 1 to ${LIMITS.postMax} characters`)
    .meta({
      minLength: 1,
      maxLength: LIMITS.postMax,
      description: `1 to ${LIMITS.postMax} characters after trimming; @mentions and URLs become segments`,
      examples: ['Hello @charles, notes at https://example.com/notes'],
    }),
  mediaIds: z
    .array(z.string().min(1).max(40))
    .max(LIMITS.mediaPerStatus, `at most ${LIMITS.mediaPerStatus} images per status`)
    .optional()
    .describe(
      `up to ${LIMITS.mediaPerStatus} ids from POST /api/v1/media: mine, not attached yet, uploaded within the last day`,
    ),
  inReplyToId: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe(
      'makes this a reply to that status (404 when it does not exist or I may not see it; 404 status_deleted when deleted)',
    ),
  quoteOfId: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe('makes this a quote of that status (404 when it does not exist, was deleted or I may not see it)'),
});
export type PostStatusRequest = z.infer<typeof PostStatusRequest>;

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(LIMITS.idempotencyKeyMax).optional(),
});

export const Delivery = z
  .object({
    state: z.enum(['queued', 'running', 'done']),
    audience: z.number().int().describe('followers the status is being delivered to'),
    delivered: z.number().int().describe('followers whose feed holds it so far'),
    pulled: z
      .boolean()
      .optional()
      .describe(
        'true when the author has so many followers that the status is not copied into feeds: followers read it from the author at feed time, so it is done at once with every follower reached. Absent otherwise',
      ),
  })
  .meta({ id: 'Delivery', examples: [EXAMPLES.delivery] });
export type Delivery = z.infer<typeof Delivery>;
export type Segment = z.infer<typeof SegmentSchema>;

export const StatusContext = z
  .object({
    ancestors: z
      .array(Status)
      .describe(
        `root first, at most ${LIMITS.ancestorsMax} (the nearest); deleted ones, and those of accounts across a block from me, keep their place as unavailable (deleted: true)`,
      ),
    descendants: z
      .array(Status)
      .describe(
        `depth first (each reply followed by its own replies, oldest first), at most ${LIMITS.contextMax}; a reply by an account across a block from me is shown as unavailable (deleted: true) and the replies below it stay, as on Mastodon`,
      ),
    moreDescendants: z.boolean().describe(`true when the thread has more than the ${LIMITS.contextMax} listed`),
    nextCursor: z
      .string()
      .nullable()
      .describe(
        'pass as `cursor` for the next part of the descendants (the same order, no ancestors); null when all are listed',
      ),
  })
  .meta({ id: 'StatusContext' });
export type StatusContext = z.infer<typeof StatusContext>;

/** GET /statuses/{id}/context: `cursor` reads the next part of the descendants. */
export const ContextQuery = z.object({
  cursor: z
    .string()
    .min(1)
    .max(LIMITS.cursorMax)
    .optional()
    .describe('the `nextCursor` of this status’s previous context call'),
});
export type ContextQuery = z.infer<typeof ContextQuery>;
