import { z } from 'zod';

/**
 * A JSON request body that accepts only the fields it names: an unknown field (a typo, or a field of another
 * request) is a 400 naming it, never silently dropped. In OpenAPI it is `additionalProperties: false`.
 */
export function requestBody<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).filter((k) => !isNever(shape[k]));
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `is not a field of this request (allowed: ${allowed.join(', ')})`
        : undefined,
  });
}

function isNever(schema: unknown): boolean {
  return schema instanceof z.ZodOptional && schema.unwrap() instanceof z.ZodNever;
}

/** A field that exists on the resource but cannot change after it is created: sending it is a 400 that says so. */
export function immutableField(reason: string) {
  return z
    .never({ error: `cannot be changed: ${reason}` })
    .optional()
    .describe(`cannot be changed: ${reason}`);
}
