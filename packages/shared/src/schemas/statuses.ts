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

export const Status = z
  .object({
    id: z.string(),
    author: User,
    post: z.string(),
    segments: z.array(SegmentSchema),
    createdAt: z.string(),
    media: z.array(Media).describe(`0 to ${LIMITS.mediaPerStatus} images`),
    reactions: Reactions,
    commentCount: z.number().int(),
    repostCount: z.number().int().describe('how many accounts reposted it'),
    repostedByMe: z.boolean().describe('whether I reposted it (false in a live push, which goes to many)'),
    card: Card.nullable().describe('preview of the first URL; null until the server has fetched it, or none'),
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
