import { ErrorBody, MessageReactionParams, Reactions, StatusReactionParams } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';
import { lazyChildLogger } from '../lazy-child-logger.js';
import { reactionParamsCompiler } from '../reaction-params.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };

/** Reactions (like, heart) on statuses and board messages: PUT adds, DELETE takes back; both idempotent. */
export function reactionRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'reactions'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { reactions } = deps.services;

  for (const [method, on] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    const verb = on ? 'React to' : 'Take back a reaction to';
    const prefix = on ? 'put' : 'delete';
    r.route({
      method,
      url: '/api/v1/statuses/:id/reactions/:kind',
      schema: {
        operationId: `${prefix}StatusReaction`,
        tags: ['reactions'],
        summary: `${verb} a status (once per user and kind)`,
        security: BEARER,
        params: StatusReactionParams,
        response: { 200: Reactions, ...errors },
      },
      validatorCompiler: reactionParamsCompiler,
      childLoggerFactory: lazyChildLogger,
      handler: async (req) => reactions.reactToStatus(await deps.auth(req), req.params.id, req.params.kind, on),
    });

    r.route({
      method,
      url: '/api/v1/boards/:id/messages/:messageId/reactions/:kind',
      schema: {
        operationId: `${prefix}MessageReaction`,
        tags: ['reactions'],
        summary: `${verb} a board message: members only`,
        security: BEARER,
        params: MessageReactionParams,
        response: { 200: Reactions, ...errors },
      },
      validatorCompiler: reactionParamsCompiler,
      childLoggerFactory: lazyChildLogger,
      handler: async (req) =>
        reactions.reactToMessage(await deps.auth(req), req.params.id, req.params.messageId, req.params.kind, on),
    });
  }
}
