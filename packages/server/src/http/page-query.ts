import { LIMITS } from '@tweeter/shared';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

/**
 * The validator of a hot list route's `?limit=&cursor=` (PageQuery): the usual query (a plain limit in range, a
 * cursor of allowed length, nothing else) is taken as it is, without a zod parse (~7 µs of a feed page's CPU);
 * anything else goes to the route's zod schema, so errors, defaults and coercions stay exactly PageQuery's.
 */
export function pageQueryCompiler<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  // The route's schema is a zod object (PageQuery); the type provider's compiler is typed for zod types.
  const full = validatorCompiler(route as unknown as FastifyRouteSchemaDef<ZodType>);
  if (route.httpPart !== 'querystring') return full;
  return (data) => {
    const plain = plainPageQuery(data);
    return plain === null ? full(data) : { value: plain };
  };
}

const PLAIN_LIMIT = /^[1-9][0-9]{0,2}$/;

function plainPageQuery(data: unknown): { limit: number; cursor?: string } | null {
  if (typeof data !== 'object' || data === null) return null;
  let limit: number = LIMITS.pageDefault;
  let cursor: string | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'limit' && typeof value === 'string' && PLAIN_LIMIT.test(value)) {
      limit = Number(value);
      if (limit > LIMITS.pageMax) return null;
    } else if (key === 'cursor' && typeof value === 'string' && value.length >= 1) {
      if (value.length > LIMITS.cursorMax) return null;
      cursor = value;
    } else return null;
  }
  return cursor === undefined ? { limit } : { limit, cursor };
}
