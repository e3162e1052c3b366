import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Serves deep links: a browser asking for `/users/ada` gets the app, which routes on the client. */
export interface AppShell {
  /** True when this unmatched request is a page load the app should answer (not an API or media call). */
  wants(req: FastifyRequest): boolean;
  send(reply: FastifyReply): FastifyReply | Promise<FastifyReply>;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tweeter</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Tweeter</h1>
<p>The API is running under <code>/api/v1</code>, but the web app is not built yet.</p>
<p>Build it with <code>npm run build</code> at the repository root (or start with <code>npm start</code>,
which builds it), then reload this page. Set <code>WEB_DIR</code> to serve a build from elsewhere.</p>
</body></html>`;

// Vite names every asset after its content hash, so a URL never changes meaning: cache it for a year.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The built web app at `/`: hashed assets cached forever, index.html revalidated on every load. */
export async function webAppRoutes(app: FastifyInstance, deps: { webDir: string }): Promise<AppShell> {
  const wants = (req: FastifyRequest): boolean => {
    const path = req.url.split('?')[0] ?? '/';
    return (
      (req.method === 'GET' || req.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      !path.startsWith('/media/') &&
      (req.headers.accept ?? '').includes('text/html')
    );
  };

  if (!existsSync(join(deps.webDir, 'index.html'))) {
    app.log.warn({ webDir: deps.webDir }, 'web app not built: / explains how to build it');
    const send = (reply: FastifyReply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT);
    app.get('/', { schema: { hide: true } }, (_req, reply) => send(reply));
    return { wants, send };
  }

  const assets = join(deps.webDir, 'assets') + sep;
  await app.register(fastifyStatic, {
    root: deps.webDir,
    prefix: '/',
    index: ['index.html'],
    // One route per built file, listed at start (npm start builds first): a catch-all route would also
    // swallow API paths and hide the router's own errors, such as an over-long path parameter.
    wildcard: false,
    // Compressed copies are not built; serve what is there.
    preCompressed: false,
    cacheControl: false,
    setHeaders(reply, filePath) {
      const inAssets = !relative(assets, filePath).startsWith('..');
      reply.header('cache-control', inAssets ? IMMUTABLE : 'no-cache');
    },
    schemaHide: true,
  });
  return {
    wants,
    send: (reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'),
  };
}
