import { DeleteAccountRequest, ErrorBody } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

/** Deleting my account. */
export function accountDeletionRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'accounts'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { accounts } = deps.services;

  r.delete(
    '/api/v1/me',
    {
      schema: {
        operationId: 'deleteMe',
        tags: ['accounts'],
        summary: 'Delete my account: it stops existing at once, what it wrote goes soon after',
        description:
          'The password confirms it (403 when wrong, counted by the sign-in limits: 429 past them). At once: sign-in ' +
          'fails, every token of the account gets 401 and its live connections close with 4401; its profile and ' +
          'statuses answer 404. Then jobs remove its statuses (from every feed), follows, boards, memberships and ' +
          'picture. The alias stays reserved for 30 days.',
        security: BEARER,
        body: DeleteAccountRequest,
        response: { 204: z.undefined(), 403: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      await accounts.delete(await deps.auth(req), req.body.password, req.ip);
      return reply.status(204).send();
    },
  );
}
