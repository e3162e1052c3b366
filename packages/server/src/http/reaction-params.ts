import { REACTION_KINDS } from '@tweeter/shared';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

/** The longest id the reaction routes take (StatusReactionParams, MessageReactionParams). */
const ID_MAX = 64;

/**
 * The validator of the reaction routes' path (a like is the hottest write): plain params (ids of 1 to 64
 * characters, a known kind) are taken as they are, without a zod parse; anything else goes to the route's zod
 * schema, so the 400 and its message stay exactly the schema's.
 */
export function reactionParamsCompiler<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  // The route's schema is a zod object; the type provider's compiler is typed for zod types.
  const full = validatorCompiler(route as unknown as FastifyRouteSchemaDef<ZodType>);
  if (route.httpPart !== 'params') return full;
  return (data) => (plainParams(data) ? { value: data } : full(data));
}

function plainParams(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  let kind = false;
  // for...in over the params object (own, enumerable, no prototype: find-my-way's), not Object.entries' arrays.
  const params = data as Record<string, unknown>;
  for (const key in params) {
    const value = params[key];
    if (typeof value !== 'string') return false;
    if (key === 'kind') kind = (REACTION_KINDS as readonly string[]).includes(value);
    else if ((key !== 'id' && key !== 'messageId') || value.length < 1 || value.length > ID_MAX) return false;
  }
  return kind;
}
