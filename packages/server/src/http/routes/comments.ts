import { Comment, ErrorBody, IdParams, pageOf, PageQuery, PostCommentRequest } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Comments on statuses: the older view of a status's direct replies. */
export function commentRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'comments'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { comments } = deps.services;

  r.post(
    '/api/v1/statuses/:id/comments',
    {
      schema: {
        operationId: 'postComment',
        tags: ['comments'],
        summary:
          'Comment on a status: a reply to it (kept for older clients; prefer POST /api/v1/statuses with inReplyToId)',
        security: BEARER,
        params: IdParams,
        body: PostCommentRequest,
        response: { 201: Comment, ...errors, 429: ErrorBody },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await comments.post(await deps.auth(req), req.params.id, req.body.text)),
  );

  r.get(
    '/api/v1/statuses/:id/comments',
    {
      schema: {
        operationId: 'listComments',
        tags: ['comments'],
        summary: 'Direct replies to a status as comments, oldest first (deleted ones keep their place, text emptied)',
        security: BEARER,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(Comment), ...errors },
      },
    },
    async (req) => {
      return comments.list(await deps.auth(req), req.params.id, req.query);
    },
  );

  r.delete(
    '/api/v1/comments/:id',
    {
      schema: {
        operationId: 'deleteComment',
        tags: ['comments'],
        summary:
          "Delete a reply (a comment): its author or the replied-to status's author; it keeps its place (idempotent)",
        security: BEARER,
        params: IdParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (req, reply) => {
      await comments.delete(await deps.auth(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
