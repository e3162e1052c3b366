import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local web server for link card tests: `route` answers each request; it counts the requests it got per path. */
export interface PageServer {
  url: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startPageServer(
  route: (req: IncomingMessage, res: ServerResponse, base: string) => void,
): Promise<PageServer> {
  const hits = new Map<string, number>();
  let base = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    route(req, res, base);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTML page with OpenGraph tags. */
export function ogPage(fields: { title: string; description?: string; image?: string; site?: string }): string {
  const meta = [
    `<meta property="og:title" content="${fields.title}">`,
    fields.description === undefined ? '' : `<meta property="og:description" content="${fields.description}">`,
    fields.image === undefined ? '' : `<meta property="og:image" content="${fields.image}">`,
    fields.site === undefined ? '' : `<meta property="og:site_name" content="${fields.site}">`,
  ].join('\n');
  return `<!doctype html><html><head><title>fallback</title>\n${meta}\n</head><body><p>page</p></body></html>`;
}
