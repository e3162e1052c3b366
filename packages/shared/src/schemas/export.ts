import { z } from 'zod';
import { BoardRole, BoardVisibility } from './boards.js';
import { ReactionKind } from './statuses.js';

// The document GET /api/v1/me/export streams (docs/api.md describes it field by field). Times are ISO 8601 strings.

export const EXPORT_FORMAT = 'tweeter-export/1';

const ExportProfile = z.object({
  alias: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  bio: z.string(),
  imageUrl: z.string().nullable(),
  createdAt: z.string(),
  followerCount: z.number().int(),
  followeeCount: z.number().int(),
});

const ExportStatus = z.object({ id: z.string(), post: z.string(), createdAt: z.string() });

const ExportComment = z.object({
  id: z.string(),
  statusId: z.string(),
  text: z.string().describe('empty once deleted'),
  deleted: z.boolean(),
  createdAt: z.string(),
});

const ExportReaction = z.object({
  targetType: z.enum(['status', 'message']),
  targetId: z.string().describe('a status id, or a board message id'),
  kind: ReactionKind,
  createdAt: z.string(),
});

const ExportBoard = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  visibility: BoardVisibility,
  owner: z.string(),
  role: BoardRole.describe('my role on the board'),
  joinedAt: z.string(),
});

export const ExportDocument = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    exportedAt: z.string(),
    profile: ExportProfile,
    statuses: z.array(ExportStatus).describe('newest first'),
    comments: z.array(ExportComment).describe('oldest first'),
    reactions: z.array(ExportReaction),
    followers: z.array(z.string()).describe('aliases, ascending'),
    followees: z.array(z.string()).describe('aliases, ascending'),
    boards: z.array(ExportBoard).describe('boards I am a member of (owner included), newest first'),
  })
  .meta({ id: 'ExportDocument' });
export type ExportDocument = z.infer<typeof ExportDocument>;
