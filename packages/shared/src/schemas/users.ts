import { z } from 'zod';
import { IMAGE_TYPES, LIMITS } from '../limits.js';
import { Alias } from './common.js';
import { requestBody } from './request-body.js';
import { EXAMPLES } from './examples.js';
import { trimmedText } from './text.js';

const Name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.nameMax, `must be at most ${LIMITS.nameMax} characters`);

// The registration rule for a password; a password change checks the new one against it too.
const Password = z
  .string()
  .min(LIMITS.passwordMin, `must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters`)
  .max(LIMITS.passwordMax, `must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters`);

/**
 * A bio: trimmed, CRLF and CR made LF (a line break counts as one character), then 0 to bioMax code points.
 */
export const Bio = z
  .string()
  .transform((s) => s.replace(/\r\n?/g, '\n'))
  .pipe(trimmedText(0, LIMITS.bioMax))
  .meta({
    maxLength: LIMITS.bioMax,
    description: `0 to ${LIMITS.bioMax} characters (code points) after trimming; a line break (LF, CRLF or CR) counts as one and is stored as LF`,
  });

export const User = z
  .object({
    alias: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    imageUrl: z.string().nullable(),
  })
  .meta({ id: 'User', examples: [EXAMPLES.user] });
export type User = z.infer<typeof User>;

export const Profile = User.extend({
  bio: z.string().describe(`0 to ${LIMITS.bioMax} characters (code points); line breaks are LF`),
  followerCount: z.number().int(),
  followeeCount: z.number().int(),
  followedByMe: z.boolean(),
  blockedByMe: z.boolean(),
  mutedByMe: z.boolean(),
  blocksMe: z.boolean().describe('this account blocks me (a mute is never shown to the muted)'),
}).meta({ id: 'Profile', examples: [EXAMPLES.profile] });
export type Profile = z.infer<typeof Profile>;

export const ImageUpload = requestBody({
  type: z.enum(IMAGE_TYPES),
  data: z.base64('must be base64').max(Math.ceil((LIMITS.imageMaxBytes * 4) / 3) + 4, 'image must be at most 1 MiB'),
});

export const RegisterRequest = requestBody({
  alias: Alias,
  firstName: Name,
  lastName: Name,
  password: Password,
  image: ImageUpload.optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = requestBody({
  alias: Alias,
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const AuthResponse = z
  .object({ user: User, token: z.string(), expiresAt: z.string() })
  .meta({ id: 'AuthResponse', examples: [EXAMPLES.authResponse] });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const UpdateProfileRequest = requestBody({
  firstName: Name.optional(),
  lastName: Name.optional(),
  bio: Bio.optional(),
});
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;

export const ChangePasswordRequest = requestBody({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: Password,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
