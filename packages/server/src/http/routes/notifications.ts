import { ErrorBody, MarkReadBody, NotificationGroup, NotificationsQuery, pageOf, UnreadCount } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';
import { lazyChildLogger } from '../lazy-child-logger.js';

/** GET /me/notifications, GET /me/notifications/unread-count, POST /me/notifications/read. */
export function notificationRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'notifications'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { notifications } = deps.services;
  r.get(
    '/api/v1/me/notifications',
    {
      childLoggerFactory: lazyChildLogger,
      schema: {
        operationId: 'listNotifications',
        tags: ['notifications'],
        summary: 'My notification groups, newest first; `types` (a comma list) keeps only those types',
        security: BEARER,
        querystring: NotificationsQuery,
        response: { 200: pageOf(NotificationGroup) },
      },
    },
    async (req) => notifications.list(await deps.auth(req), req.query),
  );
  r.get(
    '/api/v1/me/notifications/unread-count',
    {
      // Polled beside bursts of likes: no per-request logger until a line is logged.
      childLoggerFactory: lazyChildLogger,
      schema: {
        operationId: 'getUnreadNotificationCount',
        tags: ['notifications'],
        summary: 'How many of my groups have something unread (exact)',
        security: BEARER,
        response: { 200: UnreadCount },
      },
    },
    async (req) => notifications.unreadCount(await deps.auth(req)),
  );
  r.post(
    '/api/v1/me/notifications/read',
    {
      schema: {
        operationId: 'updateNotificationsRead',
        tags: ['notifications'],
        summary: 'Marks read everything, or every group up to `upTo` (a group id); my other devices hear the count',
        security: BEARER,
        body: MarkReadBody.optional(),
        response: { 204: z.undefined(), 404: ErrorBody },
      },
    },
    async (req, reply) => {
      await notifications.markRead(await deps.auth(req), req.body ?? {});
      return reply.status(204).send();
    },
  );
}
