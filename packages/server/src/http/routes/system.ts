import { IMAGE_TYPES, LIMITS, Meta } from '@tweeter/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Metrics } from '../../metrics.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { Store } from '../../ports/store.js';
import { SERVER_VERSION } from '../../version.js';

const Health = z.object({
  ok: z.boolean(),
  checks: z.object({
    store: z.enum(['ok', 'failing']),
    queue: z.enum(['ok', 'failing']),
    workers: z
      .enum(['ok', 'failing'])
      .describe('failing while a job worker thread is down (crashed, restarting): jobs wait until it is back'),
  }),
});

const STREAM_PATH = '/api/v1/stream';

/** Liveness, discovery, Prometheus metrics and the OpenAPI document. */
export function systemRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    queue: JobQueue;
    metrics: Metrics;
    /** Whether the job workers are all up (a crashed job thread is restarted with a backoff). */
    workersOk: () => boolean;
    /** Which upload path applies here (direct to S3 above a threshold, or always the API). */
    mediaUpload: () => Pick<Meta['mediaUpload'], 'via' | 'apiMaxBytes'>;
    /** STREAM_URL (the WebSocket API on AWS), else PUBLIC_URL's origin, else the request's. */
    stream: { streamUrl: string | undefined; publicUrl: string };
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/meta',
    {
      schema: {
        operationId: 'getMeta',
        tags: ['system'],
        security: [],
        summary: 'Where the live stream is (no auth)',
        description:
          'Clients read `streamUrl` instead of assuming the stream shares the API origin: on AWS it is the API Gateway WebSocket API.',
        response: { 200: Meta },
      },
    },
    async (req) => ({
      streamUrl: streamUrl(req, deps.stream),
      version: SERVER_VERSION,
      mediaUpload: {
        ...deps.mediaUpload(),
        maxBytes: LIMITS.mediaMaxBytes,
        types: [...IMAGE_TYPES],
        perStatus: LIMITS.mediaPerStatus,
        altMax: LIMITS.altMax,
      },
    }),
  );

  r.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['system'],
        summary: 'Liveness and storage/queue reachability',
        description:
          '200 when the store and the job queue answer and the job workers are up, 503 (with the failing check) when not.',
        security: [],
        response: { 200: Health, 503: Health },
      },
    },
    async (req, reply) => {
      const check = (p: Promise<unknown>) =>
        p.then(
          () => 'ok' as const,
          (err: unknown) => {
            req.log.error({ err }, 'health check failed');
            return 'failing' as const;
          },
        );
      const [store, queue] = await Promise.all([check(deps.store.ping()), check(deps.queue.stats())]);
      const workers = deps.workersOk() ? ('ok' as const) : ('failing' as const);
      const ok = store === 'ok' && queue === 'ok' && workers === 'ok';
      return reply.status(ok ? 200 : 503).send({ ok, checks: { store, queue, workers } });
    },
  );

  r.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['system'],
        summary: 'Prometheus metrics (text exposition format)',
        security: [],
        response: {
          200: {
            description: 'Prometheus text exposition format, version 0.0.4',
            content: { 'text/plain': { schema: z.string() } },
          },
        },
      },
    },
    async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.expose()),
  );

  r.get(
    '/openapi.json',
    {
      schema: {
        operationId: 'getOpenApi',
        tags: ['system'],
        summary: 'This OpenAPI 3.1 document',
        security: [],
        response: { 200: z.record(z.string(), z.unknown()).describe('an OpenAPI 3.1 document') },
      },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
}

function streamUrl(req: FastifyRequest, config: { streamUrl: string | undefined; publicUrl: string }): string {
  if (config.streamUrl) return config.streamUrl;
  if (config.publicUrl) return `${config.publicUrl.replace(/^http/, 'ws')}${STREAM_PATH}`;
  return `${req.protocol === 'https' ? 'wss' : 'ws'}://${req.host}${STREAM_PATH}`;
}
