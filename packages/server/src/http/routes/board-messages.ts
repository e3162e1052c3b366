import {
  BoardParams,
  ErrorBody,
  Message,
  MessageParams,
  MessagesQuery,
  pageOf,
  PostMessageRequest,
} from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** A board's messages: post, page back, poll forward, soft-delete. */
export function boardMessageRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'messages'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { messages } = deps.services;

  r.post(
    '/api/v1/boards/:id/messages',
    {
      schema: {
        operationId: 'postMessage',
        tags: ['boards'],
        summary: 'Post a message: members only',
        security: BEARER,
        params: BoardParams,
        body: PostMessageRequest,
        response: { 201: Message, ...errors, 429: ErrorBody },
      },
    },
    async (req, reply) => reply.status(201).send(await messages.post(await deps.auth(req), req.params.id, req.body)),
  );

  r.get(
    '/api/v1/boards/:id/messages',
    {
      schema: {
        operationId: 'listMessages',
        tags: ['boards'],
        summary: 'Messages: newest first (page back with ?before=), or poll with ?after= (oldest first)',
        description:
          'Without after: newest first; pass nextCursor back as ?before= for older ones (null on the last page). ' +
          'With ?after=<messageId>: only newer messages, oldest first; nextCursor is where to poll from next ' +
          '(the newest id returned, or your after when nothing is new) and is never null.',
        security: BEARER,
        params: BoardParams,
        querystring: MessagesQuery,
        response: { 200: pageOf(Message), ...errors },
      },
    },
    async (req) => messages.list(await deps.auth(req), req.params.id, req.query),
  );

  r.delete(
    '/api/v1/boards/:id/messages/:messageId',
    {
      schema: {
        operationId: 'deleteMessage',
        tags: ['boards'],
        summary: 'Soft-delete a message (author, moderator or owner): a placeholder keeps its place',
        security: BEARER,
        params: MessageParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (req, reply) => {
      await messages.delete(await deps.auth(req), req.params.id, req.params.messageId);
      return reply.status(204).send();
    },
  );
}
