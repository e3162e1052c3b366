import { ErrorBody, IdParams, pageOf, PageQuery, Status, User } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

const errors = { 404: ErrorBody, 429: ErrorBody };

/** Reposts: PUT reposts (idempotent), DELETE undoes it; GET lists who reposted. */
export function repostRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'reposts'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { reposts } = deps.services;

  r.put(
    '/api/v1/statuses/:id/repost',
    {
      schema: {
        operationId: 'putStatusRepost',
        tags: ['statuses'],
        summary: "Repost a status: it reaches my followers' feeds (idempotent)",
        security: BEARER,
        params: IdParams,
        response: { 200: Status, ...errors },
      },
    },
    async (req) => reposts.repost(await deps.auth(req), req.params.id),
  );

  r.delete(
    '/api/v1/statuses/:id/repost',
    {
      schema: {
        operationId: 'deleteStatusRepost',
        tags: ['statuses'],
        summary: 'Undo my repost: it leaves the feeds it reached (idempotent)',
        security: BEARER,
        params: IdParams,
        response: { 200: Status, 404: ErrorBody },
      },
    },
    async (req) => reposts.undo(await deps.auth(req), req.params.id),
  );

  r.get(
    '/api/v1/statuses/:id/reposts',
    {
      schema: {
        operationId: 'listStatusReposts',
        tags: ['statuses'],
        summary: 'Who reposted a status, oldest first',
        security: BEARER,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(User), 404: ErrorBody },
      },
    },
    async (req) => reposts.reposters(await deps.auth(req), req.params.id, req.query),
  );
}
