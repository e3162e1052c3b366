import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { requestBody } from './request-body.js';
import { trimmedText } from './text.js';
import { User } from './users.js';
import { EXAMPLES } from './examples.js';

export const Comment = z
  .object({
    id: z.string(),
    statusId: z.string(),
    author: User,
    text: z.string().describe('empty when deleted'),
    createdAt: z.string(),
    deleted: z.boolean(),
  })
  .meta({ id: 'Comment', examples: [EXAMPLES.comment] });
export type Comment = z.infer<typeof Comment>;

export const PostCommentRequest = requestBody({ text: trimmedText(1, LIMITS.commentMax) });
export type PostCommentRequest = z.infer<typeof PostCommentRequest>;
