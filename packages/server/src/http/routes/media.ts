import {
  CompleteMediaUploadRequest,
  CreateMediaUploadRequest,
  ErrorBody,
  IMAGE_TYPES,
  LIMITS,
  Media,
  MediaIdParams,
  MediaUploadTicket,
  PatchMediaRequest,
  UploadMediaQuery,
} from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { isSpooledFile } from '../../services/images.js';
import { BEARER, type Authenticate } from '../auth.js';
import { discardSpooled } from '../upload-spool.js';

/** Image uploads for statuses (the raw image bytes; the image content-type parser is registered by avatarRoutes). */
export function mediaRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'media' | 'directUploads'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { media, directUploads } = deps.services;

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
      try {
        const me = await deps.auth(req);
        // Spooled to a temporary file (see upload-spool.ts): the image thread's libvips reads it from there.
        const body = isSpooledFile(req.body) ? req.body : Buffer.alloc(0);
        const type = req.headers['content-type']?.split(';')[0]?.trim();
        return reply.status(201).send(await media.upload(me, body, type, req.query.alt ?? ''));
      } finally {
        await discardSpooled(req.body);
      }
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

  r.post(
    '/api/v1/media/uploads',
    {
      schema: {
        operationId: 'createMediaUpload',
        tags: ['statuses'],
        summary: 'Start a direct upload of a large image: a presigned PUT straight to storage (AWS only)',
        description:
          'Offered when GET /api/v1/meta says `mediaUpload.via` is `s3-put` (404 otherwise). Send the bytes with the ' +
          'returned method, URL and headers (Content-Type and Content-Length are signed, so another size or type is ' +
          `refused by storage) within ${LIMITS.mediaDirectUploadTtlSeconds / 60} minutes, then POST /api/v1/media/{id}/complete.`,
        security: BEARER,
        body: CreateMediaUploadRequest,
        response: { 201: MediaUploadTicket, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const me = await deps.auth(req);
      return reply.status(201).send(await directUploads.start(me, req.body.size, req.body.type));
    },
  );

  r.post(
    '/api/v1/media/:id/complete',
    {
      schema: {
        operationId: 'postMediaComplete',
        tags: ['statuses'],
        summary: 'The direct upload was sent: decode it (a media.process job); the media is `processing` until ready',
        description:
          'Answers 202 with the media in state `processing` (or 200 with it ready when it already is). Poll GET ' +
          '/api/v1/media/{id}: 404 until the job has stored it; a file the pipeline refuses is dropped and stays 404.',
        security: BEARER,
        params: MediaIdParams,
        body: CompleteMediaUploadRequest,
        response: { 200: Media, 202: Media, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const me = await deps.auth(req);
      const m = await directUploads.complete(me, req.params.id, req.body.alt ?? '');
      return reply.status(m.state === 'processing' ? 202 : 200).send(m);
    },
  );

  r.get(
    '/api/v1/media/:id',
    {
      schema: {
        operationId: 'getMedia',
        tags: ['statuses'],
        summary: 'My upload, once stored (404 while a direct upload is processing)',
        security: BEARER,
        params: MediaIdParams,
        response: { 200: Media, 404: ErrorBody },
      },
    },
    async (req) => directUploads.get(await deps.auth(req), req.params.id),
  );
}
