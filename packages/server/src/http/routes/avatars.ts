import { ErrorBody, IMAGE_TYPES, LIMITS, User } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { NotFoundError } from '../../domain/errors.js';
import { isSpooledFile } from '../../services/images.js';
import { BEARER, type Authenticate } from '../auth.js';
import { discardSpooled, spoolImageBodies } from '../upload-spool.js';

/** Profile image upload (raw bytes) and serving stored images; registers the image body parser of every route. */
export function avatarRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'users'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { users } = deps.services;

  // Image bodies arrive spooled to a temporary file; any other content type gets 415 from Fastify.
  spoolImageBodies(app);

  r.put(
    '/api/v1/me/avatar',
    {
      bodyLimit: LIMITS.imageMaxBytes,
      schema: {
        operationId: 'putAvatar',
        tags: ['accounts'],
        summary: 'Replace my profile image (PNG, JPEG or WebP bytes, at most 1 MiB)',
        security: BEARER,
        consumes: [...IMAGE_TYPES],
        response: { 200: User, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (req) => {
      try {
        const me = await deps.auth(req);
        const body = isSpooledFile(req.body) ? req.body : Buffer.alloc(0);
        return await users.setAvatar(me, body, req.headers['content-type']?.split(';')[0]?.trim());
      } finally {
        await discardSpooled(req.body);
      }
    },
  );

  r.get('/media/*', { schema: { hide: true, params: z.object({ '*': z.string().max(300) }) } }, async (req, reply) => {
    const blob = await users.image(req.params['*']);
    if (!blob) throw new NotFoundError('no such image');
    return reply
      .type(blob.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(blob.bytes);
  });
}
