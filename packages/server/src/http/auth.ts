import type { FastifyRequest } from 'fastify';
import type { SessionService } from '../services/sessions.js';

/** The bearer token of a request, if it sent one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export type Authenticate = (request: FastifyRequest) => Promise<string>;

/** The acting user always comes from the token; this resolves it (or throws 401). */
export function createAuthenticate(sessions: SessionService): Authenticate {
  return (request) => sessions.authenticate(bearerToken(request));
}

/** OpenAPI security requirement for routes that need a token. */
export const BEARER = [{ bearer: [] }];
