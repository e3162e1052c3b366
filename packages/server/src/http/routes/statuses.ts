import {
  AliasParams,
  Delivery,
  ErrorBody,
  IdempotencyHeaders,
  IdParams,
  pageOf,
  PageQuery,
  PostStatusRequest,
  Status,
  FeedItem,
} from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';
import { pageQueryCompiler } from '../page-query.js';
import { sendJsonBytes } from '../send-json.js';

// 400, 401, 413, 415 and 500 are implied by each operation's inputs (see ../openapi.ts).

/** Statuses, stories and the home feed. */
export function statusRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'statuses' | 'feeds'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { statuses, feeds } = deps.services;
  const StatusPage = pageOf(Status);
  const FeedPage = pageOf(FeedItem);

  r.post(
    '/api/v1/statuses',
    {
      schema: {
        operationId: 'postStatus',
        tags: ['statuses'],
        summary: 'Post a status, a reply or a quote; it reaches followers feeds asynchronously',
        description:
          'With an Idempotency-Key header, a retry returns the first result and posts nothing new. A reply (inReplyToId) reaches the feeds of my followers who also follow the replied-to author (and that author); a reply to myself reaches all my followers. 404 not_found when the replied-to or quoted status does not exist or I may not see it; 404 status_deleted when it was deleted.',
        security: BEARER,
        headers: IdempotencyHeaders,
        body: PostStatusRequest,
        response: { 201: Status, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const me = await deps.auth(req);
      const { post, mediaIds, inReplyToId, quoteOfId } = req.body;
      const refs = { ...(inReplyToId ? { inReplyToId } : {}), ...(quoteOfId ? { quoteOfId } : {}) };
      return reply.status(201).send(await statuses.post(me, post, req.headers['idempotency-key'], mediaIds, refs));
    },
  );

  r.get(
    '/api/v1/statuses/:id',
    {
      schema: {
        operationId: 'getStatus',
        tags: ['statuses'],
        summary: 'One status',
        security: BEARER,
        params: IdParams,
        response: { 200: Status, 404: ErrorBody },
      },
    },
    async (req) => statuses.get(await deps.auth(req), req.params.id),
  );

  r.delete(
    '/api/v1/statuses/:id',
    {
      schema: {
        operationId: 'deleteStatus',
        tags: ['statuses'],
        summary: 'Delete my status: it leaves my story and every feed',
        security: BEARER,
        params: IdParams,
        response: { 204: z.undefined(), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      await statuses.delete(await deps.auth(req), req.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/statuses/:id/delivery',
    {
      schema: {
        operationId: 'getStatusDelivery',
        tags: ['statuses'],
        summary: 'Fan-out progress of a status',
        security: BEARER,
        params: IdParams,
        response: { 200: Delivery, 404: ErrorBody },
      },
    },
    async (req) => {
      await deps.auth(req);
      return statuses.delivery(req.params.id);
    },
  );

  r.get(
    '/api/v1/users/:alias/story',
    {
      schema: {
        operationId: 'getStory',
        tags: ['statuses'],
        summary: "alias's own statuses, newest first",
        security: BEARER,
        params: AliasParams,
        querystring: PageQuery,
        response: { 200: StatusPage, 404: ErrorBody },
      },
    },
    async (req) => statuses.story(await deps.auth(req), req.params.alias, req.query),
  );

  r.get(
    '/api/v1/me/feed',
    {
      schema: {
        operationId: 'getHomeFeed',
        tags: ['statuses'],
        summary: 'Statuses of the users I follow, newest first',
        security: BEARER,
        querystring: PageQuery,
        response: { 200: FeedPage },
      },
      validatorCompiler: pageQueryCompiler,
    },
    // The page comes as JSON bytes (see FeedService.pageJson); a Buffer with a JSON type is sent as it is.
    async (req, reply) => {
      const page = await feeds.pageJson(await deps.auth(req), req.query);
      return sendJsonBytes(reply, page);
    },
  );
}
