import { z } from 'zod';
import { codePointLength } from '../segments.js';

/** A string trimmed, then `min` to `max` Unicode code points long (how every text limit counts). */
export function trimmedText(min: number, max: number) {
  const message = min === 0 ? `must be at most ${max} characters` : `must be ${min} to ${max} characters`;
  return (
    z
      .string()
      .trim()
      .refine((s) => {
        const n = codePointLength(s);
        return n >= min && n <= max;
      }, message)
      // JSON Schema counts string length in code points too, so the document can state the limit exactly.
      .meta({ minLength: min, maxLength: max, description: `${min} to ${max} characters after trimming` })
  );
}
