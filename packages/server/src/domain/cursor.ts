import { z } from 'zod';
import { ValidationError } from './errors.js';

/**
 * Opaque page cursors: base64url of a small JSON object. They carry a key position
 * (not an offset), so pages stay stable while new items arrive.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, schema: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid();
  return parsed.data;
}

function invalid(): ValidationError {
  return new ValidationError('cursor: not a cursor this server issued', [
    { path: 'query.cursor', message: 'pass back the nextCursor of a previous page' },
  ]);
}

/** Cursor over a key-ordered list: `k` is the last key of the previous page. */
export const KeyCursor = z.object({ k: z.string().min(1).max(128) });

/**
 * Cuts a read of `limit + 1` rows into a page: the extra row only says that more follow, and the
 * cursor is the key of the page's last row (so later writes never shift the next page).
 */
export function keysetPage<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => string,
): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : [...rows];
  const last = page.at(-1);
  return { rows: page, nextCursor: more && last !== undefined ? encodeCursor({ k: keyOf(last) }) : null };
}
