import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { requestBody } from './request-body.js';

/** `DELETE /api/v1/me`: the account's password confirms the deletion. */
export const DeleteAccountRequest = requestBody({
  password: z.string().min(1, 'is required').max(LIMITS.passwordMax),
});
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequest>;
