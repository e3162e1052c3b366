import { ErrorBody, pageOf, PageQuery, SearchStatusesQuery, Status, TagParams, TagTrends } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';
import { sendJsonBytes } from '../send-json.js';

// 400, 401 and 500 are implied by each operation's inputs (see ../openapi.ts).

/** Status search, hashtag pages and trends. */
export function statusSearchRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'statusSearch'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { statusSearch } = deps.services;
  const StatusPage = pageOf(Status);

  r.get(
    '/api/v1/search/statuses',
    {
      schema: {
        operationId: 'listStatusSearch',
        tags: ['search'],
        summary: 'Statuses containing every word of q, newest first',
        description:
          'Words are matched whole, case and accents ignored; #tag and @alias words match hashtags and mentions. ' +
          'Statuses of accounts I block, that block me or that I mute are left out before the page is cut.',
        security: BEARER,
        querystring: SearchStatusesQuery,
        response: { 200: StatusPage },
      },
    },
    // The page comes as JSON bytes from the hydrator's cached status bytes (StatusSearchService.statusesJson).
    async (req, reply) => {
      const { q, limit, cursor } = req.query;
      return sendJsonBytes(reply, await statusSearch.statusesJson(await deps.auth(req), q, { limit, cursor }));
    },
  );

  r.get(
    '/api/v1/tags/:tag/statuses',
    {
      schema: {
        operationId: 'listTagStatuses',
        tags: ['search'],
        summary: 'Statuses with this hashtag, newest first',
        security: BEARER,
        params: TagParams,
        querystring: PageQuery,
        response: { 200: StatusPage, 400: ErrorBody },
      },
    },
    async (req, reply) =>
      sendJsonBytes(reply, await statusSearch.tagJson(await deps.auth(req), req.params.tag, req.query)),
  );

  r.get(
    '/api/v1/trends/tags',
    {
      schema: {
        operationId: 'listTrendingTags',
        tags: ['search'],
        summary: 'Hashtags posted by the most distinct accounts in the last 24 hours',
        description: 'From hourly counters kept as statuses are indexed, never by reading statuses.',
        security: BEARER,
        response: { 200: TagTrends },
      },
    },
    async (req) => {
      await deps.auth(req);
      return statusSearch.trends();
    },
  );
}
