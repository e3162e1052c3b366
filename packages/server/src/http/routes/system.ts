import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Meta } from '@tweeter/shared';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Metrics } from '../../metrics.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { Store } from '../../ports/store.js';

const Health = z.object({
  ok: z.boolean(),
  checks: z.object({ store: z.enum(['ok', 'failing']), queue: z.enum(['ok', 'failing']) }),
});

// The server package's own version, read once (it is what `npm start` runs).
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Liveness, Prometheus metrics, the OpenAPI document and what clients need before signing in. */
export function systemRoutes(
  app: FastifyInstance,
  deps: { store: Store; queue: JobQueue; metrics: Metrics; publicUrl: string },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/meta',
    {
      schema: {
        tags: ['system'],
        summary: 'The live stream URL and the server version (no auth)',
        response: { 200: Meta },
      },
    },
    async (req) => {
      // PUBLIC_URL names the server as the outside world reaches it (behind a proxy); else trust the Host header.
      const base = deps.publicUrl || `${req.protocol}://${req.host}`;
      return { streamUrl: `${base.replace(/^http/, 'ws')}/api/v1/stream`, version: VERSION };
    },
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
