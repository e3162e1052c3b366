import { ChangePasswordRequest, ErrorBody, ExportDocument, Profile, UpdateProfileRequest } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, bearerToken, type Authenticate } from '../auth.js';

// 400, 401 and 500 are implied by each operation's inputs (see ../openapi.ts).

// How far the export may read ahead of the socket: the next pages are read while the last ones are sent, and memory
// stays bounded by this (plus the socket's own buffer) however large the account.
const READ_AHEAD_BYTES = 1024 * 1024;

/** My own account: profile edits, password change, and my data as one download. */
export function meRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'users' | 'sessions' | 'exports'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { users, sessions, exports } = deps.services;

  r.patch(
    '/api/v1/me',
    {
      schema: {
        operationId: 'updateMe',
        tags: ['accounts'],
        summary: 'Change my names and bio (the fields sent)',
        security: BEARER,
        body: UpdateProfileRequest,
        response: { 200: Profile },
      },
    },
    async (req) => users.updateProfile(await deps.auth(req), req.body),
  );

  r.put(
    '/api/v1/me/password',
    {
      schema: {
        operationId: 'updateMyPassword',
        tags: ['accounts'],
        summary: 'Change my password: every other session of mine ends',
        description:
          'A wrong current password is a 403 (wrong_password) and counts as a failed sign-in (429 past the limit). ' +
          'Every other session of mine stops working at once and its live connections close with 4401.',
        security: BEARER,
        body: ChangePasswordRequest,
        response: { 204: z.undefined(), 403: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const me = await deps.auth(req);
      await sessions.changePassword(me, bearerToken(req) ?? '', req.body, req.ip);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/me/export',
    {
      schema: {
        operationId: 'getMyExport',
        tags: ['accounts'],
        summary: 'Download my data as one JSON document (streamed)',
        description:
          'My profile, statuses, comments, reactions, follows both ways and boards, written as it is read ' +
          '(Content-Disposition: attachment).',
        security: BEARER,
        response: { 200: ExportDocument },
      },
    },
    async (req, reply) => {
      const me = await deps.auth(req);
      const chunks = await exports.open(me);
      const date = new Date().toISOString().slice(0, 10);
      // A stream is sent as it is read, with the socket's backpressure (the serializer never sees it).
      const body = Readable.from(chunks, { objectMode: false, highWaterMark: READ_AHEAD_BYTES });
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="tweeter-${me}-${date}.json"`)
        .header('cache-control', 'no-store')
        .send(body as unknown as ExportDocument);
    },
  );
}
