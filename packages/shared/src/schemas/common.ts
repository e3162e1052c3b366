import { z } from 'zod';
import { LIMITS } from '../limits.js';

/** An alias as typed by a person: a leading @ is accepted and dropped; stored lower-case. */
export const Alias = z
  .string()
  .trim()
  .transform((s) => (s.startsWith('@') ? s.slice(1) : s).toLowerCase())
  .pipe(
    z
      .string()
      .min(LIMITS.aliasMin, `must be ${LIMITS.aliasMin} to ${LIMITS.aliasMax} characters`)
      .max(LIMITS.aliasMax, `must be ${LIMITS.aliasMin} to ${LIMITS.aliasMax} characters`)
      .regex(/^[a-z0-9_]+$/, 'may contain only a-z, 0-9 and _'),
  );

export const AliasParams = z.object({ alias: Alias });
export const IdParams = z.object({ id: z.string().min(1).max(64) });

/** `?limit=`: 1 to 100, default 20 (every list). */
export const PageLimit = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, `must be 1 to ${LIMITS.pageMax}`)
  .max(LIMITS.pageMax, `must be 1 to ${LIMITS.pageMax}`)
  .default(LIMITS.pageDefault);

export const PageQuery = z.object({
  limit: PageLimit,
  cursor: z.string().min(1).max(LIMITS.cursorMax).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** `{ items, nextCursor }`: the shape of every list. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const Ok = z.object({ ok: z.literal(true) });
