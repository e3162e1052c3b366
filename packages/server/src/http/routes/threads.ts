import { ContextQuery, ErrorBody, IdParams, pageOf, PageQuery, Status, StatusContext } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';
import { sendJsonBytes } from '../send-json.js';

/** A status's thread and the statuses quoting it. */
export function threadRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'threads'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { threads } = deps.services;

  r.get(
    '/api/v1/statuses/:id/context',
    {
      schema: {
        operationId: 'getStatusContext',
        tags: ['statuses'],
        summary: 'The thread around a status: ancestors root first, descendants depth first (at most 200 a call)',
        description:
          'Deleted statuses keep their place with `deleted: true`; so do those of accounts across a block from me, with the replies below them kept. Past 200 descendants, `nextCursor` passed back as `cursor` lists the next 200 in the same depth-first order (with no ancestors). 400 validation_failed for a cursor not issued for this status; 404 when the status does not exist or I may not see it; 404 status_deleted when it was deleted.',
        security: BEARER,
        params: IdParams,
        querystring: ContextQuery,
        response: { 200: StatusContext, 400: ErrorBody, 404: ErrorBody },
      },
    },
    // The context comes as JSON bytes (see ThreadService.contextJson), sent as they are.
    async (req, reply) => {
      const json = await threads.contextJson(await deps.auth(req), req.params.id, req.query.cursor);
      return sendJsonBytes(reply, json);
    },
  );

  r.get(
    '/api/v1/statuses/:id/quotes',
    {
      schema: {
        operationId: 'listStatusQuotes',
        tags: ['statuses'],
        summary: 'Statuses quoting a status, newest first',
        description: 'Quotes by accounts across a block from me are left out (a page may list fewer than `limit`).',
        security: BEARER,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(Status), 404: ErrorBody },
      },
    },
    async (req) => threads.quotes(await deps.auth(req), req.params.id, req.query),
  );
}
