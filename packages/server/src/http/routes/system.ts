import { Meta } from '@tweeter/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Metrics } from '../../metrics.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { Store } from '../../ports/store.js';
import { SERVER_VERSION } from '../../version.js';

const Health = z.object({
  ok: z.boolean(),
  checks: z.object({ store: z.enum(['ok', 'failing']), queue: z.enum(['ok', 'failing']) }),
});

const STREAM_PATH = '/api/v1/stream';

/** Liveness, discovery, Prometheus metrics and the OpenAPI document. */
export function systemRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    queue: JobQueue;
    metrics: Metrics;
    /** STREAM_URL (the WebSocket API on AWS), else PUBLIC_URL's origin, else the request's. */
    stream: { streamUrl: string | undefined; publicUrl: string };
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/meta',
    {
      schema: {
        tags: ['system'],
        summary: 'Where the live stream is (no auth)',
        description:
          'Clients read `streamUrl` instead of assuming the stream shares the API origin: on AWS it is the API Gateway WebSocket API.',
        response: { 200: Meta },
      },
    },
    async (req) => ({ streamUrl: streamUrl(req, deps.stream), version: SERVER_VERSION }),
  );

  r.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and storage/queue reachability',
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
      const ok = store === 'ok' && queue === 'ok';
      return reply.status(ok ? 200 : 503).send({ ok, checks: { store, queue } });
    },
  );

  r.get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'Prometheus metrics (text format)' } },
    async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );

  r.get('/openapi.json', { schema: { tags: ['system'], summary: 'This OpenAPI 3.1 document' } }, async () =>
    app.swagger(),
  );
}

function streamUrl(req: FastifyRequest, config: { streamUrl: string | undefined; publicUrl: string }): string {
  if (config.streamUrl) return config.streamUrl;
  if (config.publicUrl) return `${config.publicUrl.replace(/^http/, 'ws')}${STREAM_PATH}`;
  return `${req.protocol === 'https' ? 'wss' : 'ws'}://${req.host}${STREAM_PATH}`;
}
