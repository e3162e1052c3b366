import { AliasParams, ErrorBody, pageOf, PageQuery, Profile, User } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RelationKind } from '../../ports/store.js';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

const KINDS: readonly { kind: RelationKind; list: string; name: string; what: string }[] = [
  {
    kind: 'block',
    list: 'blocks',
    name: 'Block',
    what: 'both follows end; neither sees the other’s statuses or comments; they cannot follow, comment on or react to mine',
  },
  {
    kind: 'mute',
    list: 'mutes',
    name: 'Mute',
    what: 'their statuses leave my feed and stop reaching it; they are not told',
  },
];

/** Block and mute: PUT / DELETE /me/blocks/{alias}, /me/mutes/{alias}, and the lists. */
export function safetyRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'safety'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { safety } = deps.services;
  const UserPage = pageOf(User);
  for (const { kind, list, name, what } of KINDS) {
    const path = `/api/v1/me/${list}/:alias`;
    const response = { 200: Profile, 404: ErrorBody, 429: ErrorBody };
    r.put(
      path,
      {
        schema: {
          operationId: `${kind}User`,
          tags: ['safety'],
          summary: `${name} alias (idempotent): ${what}`,
          security: BEARER,
          params: AliasParams,
          response,
        },
      },
      async (req) => safety.add(await deps.auth(req), kind, req.params.alias),
    );
    r.delete(
      path,
      {
        schema: {
          operationId: `un${kind}User`,
          tags: ['safety'],
          summary: `Un${kind} alias (idempotent)`,
          security: BEARER,
          params: AliasParams,
          response,
        },
      },
      async (req) => safety.remove(await deps.auth(req), kind, req.params.alias),
    );
    r.get(
      `/api/v1/me/${list}`,
      {
        schema: {
          operationId: `list${name}s`,
          tags: ['safety'],
          summary: `The accounts I ${kind}, by alias`,
          security: BEARER,
          querystring: PageQuery,
          response: { 200: UserPage },
        },
      },
      async (req) => safety.list(await deps.auth(req), kind, req.query),
    );
  }
}
