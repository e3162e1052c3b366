import {
  ErrorBody,
  IMAGE_TYPES,
  LIMITS,
  Media,
  MediaIdParams,
  PatchMediaRequest,
  UploadMediaQuery,
} from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

/** Image uploads for statuses (the raw image bytes; the image content-type parser is registered by avatarRoutes). */
export function mediaRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'media'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { media } = deps.services;

  r.post(
    '/api/v1/media',
    {
      bodyLimit: LIMITS.mediaMaxBytes,
      schema: {
        operationId: 'createMedia',
        tags: ['statuses'],
        summary: 'Upload an image (PNG, JPEG or WebP bytes, at most 8 MiB) to attach to a status within a day',
        description:
          'The type is decided by the bytes, not the header. The server re-encodes the image (metadata removed, ' +
          `orientation applied, at most ${LIMITS.mediaLongSide} px) and makes a ${LIMITS.mediaPreviewLongSide} px ` +
          'preview and a blurhash. An image of too many pixels is 413; a truncated or corrupt one 400.',
        security: BEARER,
        consumes: [...IMAGE_TYPES],
        querystring: UploadMediaQuery,
        response: { 201: Media, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const me = await deps.auth(req);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = req.headers['content-type']?.split(';')[0]?.trim();
      return reply.status(201).send(await media.upload(me, body, type, req.query.alt ?? ''));
    },
  );

  r.patch(
    '/api/v1/media/:id',
    {
      schema: {
        operationId: 'updateMedia',
        tags: ['statuses'],
        summary: 'Change the alt text of my upload (only before it is attached)',
        security: BEARER,
        params: MediaIdParams,
        body: PatchMediaRequest,
        response: { 200: Media, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req) => media.setAlt(await deps.auth(req), req.params.id, req.body.alt),
  );
}
