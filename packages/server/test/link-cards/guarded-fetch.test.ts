import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardFetchError, GuardedFetcher, type CardFetchFailure } from '../../src/adapters/link-fetch/guarded-fetch.js';
import { ogPage, startPageServer, type PageServer } from '../support/page-server.js';

/** A DNS lookup answering every name with `address` (as dns.lookup would, in both callback shapes). */
function answer(address: string, calls?: string[]): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return ((hostname: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    calls?.push(hostname);
    if (options.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}

async function failure(fetcher: GuardedFetcher, url: string): Promise<CardFetchFailure> {
  const err = await fetcher.card(url).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CardFetchError);
  return (err as CardFetchError).reason;
}

let server: PageServer;
const BIG = 'x'.repeat(256 * 1024);

beforeAll(async () => {
  server = await startPageServer((req, res, base) => {
    const path = req.url ?? '/';
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    if (path === '/og') {
      return html(
        ogPage({ title: 'Engines &amp; notes', description: 'On  the\nengine', image: '/img.png', site: 'Ex' }),
      );
    }
    if (path === '/plain') {
      return html(
        '<html><head><title> Plain page </title><meta name="description" content="A description"></head></html>',
      );
    }
    if (path === '/twitter') {
      return html(
        '<head><meta name="twitter:title" content="Tw"><meta name="twitter:image" content="https://cdn.example/i.jpg"></head>',
      );
    }
    if (path === '/notitle') return html('<html><head><meta charset="utf-8"></head><body>hi</body></html>');
    if (path === '/redirect') {
      res.writeHead(302, { location: '/og' });
      return res.end();
    }
    if (path === '/to-private') {
      res.writeHead(301, { location: 'http://10.0.0.7/admin' });
      return res.end();
    }
    if (path === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return res.end();
    }
    if (path.startsWith('/loop')) {
      res.writeHead(302, { location: `${base}/loop${path.length}` });
      return res.end();
    }
    if (path === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"title":"no"}');
    }
    if (path === '/declared-big') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(2 * 1024 * 1024) });
      return res.end();
    }
    if (path === '/endless-head') {
      // Chunked, no length: a head that never ends, sent until the client goes away.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><head><title>t</title><!--');
      const timer = setInterval(() => {
        if (res.destroyed || res.writableEnded) clearInterval(timer);
        else res.write(BIG);
      }, 5);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (path === '/huge-body') {
      // The head ends early; the body goes on for megabytes the fetcher must not read.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(ogPage({ title: 'Early head' }).replace('</body></html>', ''));
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent > 8) {
          clearInterval(timer);
          res.end();
        } else {
          sent++;
          res.write(BIG);
        }
      }, 5);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (path === '/slow') return; // never answers
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<head><title>Not found</title></head>');
  });
});

afterAll(() => server.close());

describe('GuardedFetcher against a local server (loopback allowed, as in tests only)', () => {
  const fetcher = new GuardedFetcher({ allowLoopback: true, limits: { totalTimeoutMs: 2_000, maxBytes: 128 * 1024 } });

  it('reads OpenGraph tags: entities decoded, whitespace folded, the image made absolute', async () => {
    expect(await fetcher.card(`${server.url}/og`)).toEqual({
      url: `${server.url}/og`,
      title: 'Engines & notes',
      description: 'On the engine',
      imageUrl: `${server.url}/img.png`,
      siteName: 'Ex',
    });
  });

  it('falls back to <title> and the meta description, then to Twitter tags', async () => {
    expect(await fetcher.card(`${server.url}/plain`)).toMatchObject({
      title: 'Plain page',
      description: 'A description',
      imageUrl: null,
      siteName: null,
    });
    expect(await fetcher.card(`${server.url}/twitter`)).toMatchObject({
      title: 'Tw',
      imageUrl: 'https://cdn.example/i.jpg',
    });
  });

  it('follows a redirect and names the page it ended on', async () => {
    expect((await fetcher.card(`${server.url}/redirect`)).url).toBe(`${server.url}/og`);
  });

  it('refuses a redirect to a private or metadata address', async () => {
    expect(await failure(fetcher, `${server.url}/to-private`)).toBe('address');
    expect(await failure(fetcher, `${server.url}/to-metadata`)).toBe('address');
  });

  it('stops after 3 redirects', async () => {
    expect(await failure(fetcher, `${server.url}/loop`)).toBe('redirects');
    expect(server.hits.get('/loop')).toBe(1);
  });

  it('refuses what is not text/html, a page with no title, and error statuses', async () => {
    expect(await failure(fetcher, `${server.url}/json`)).toBe('not_html');
    expect(await failure(fetcher, `${server.url}/notitle`)).toBe('no_card');
    expect(await failure(fetcher, `${server.url}/missing`)).toBe('http_status');
  });

  it('refuses a body declared over the limit, and a head that does not end within it', async () => {
    expect(await failure(fetcher, `${server.url}/declared-big`)).toBe('too_large');
    expect(await failure(fetcher, `${server.url}/endless-head`)).toBe('too_large');
  });

  it('stops reading at </head>, however long the page', async () => {
    expect((await fetcher.card(`${server.url}/huge-body`)).title).toBe('Early head');
  });

  it('gives up on a server that does not answer within the total time', async () => {
    const quick = new GuardedFetcher({ allowLoopback: true, limits: { totalTimeoutMs: 300 } });
    const started = Date.now();
    expect(await failure(quick, `${server.url}/slow`)).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000); // bounded, not hung (generous: the machine is shared)
  });

  it('gives up on a connection that does not come up within the connect time', async () => {
    const neverResolves = (() => undefined) as unknown as LookupFunction;
    const quick = new GuardedFetcher({ allowLoopback: true, lookup: neverResolves, limits: { connectTimeoutMs: 200 } });
    expect(await failure(quick, 'http://stalled.test/')).toBe('timeout');
  });

  it('asks DNS once per connection: the checked answer is the one connected to', async () => {
    const calls: string[] = [];
    const pinned = new GuardedFetcher({ allowLoopback: true, lookup: answer('127.0.0.1', calls) });
    const port = new URL(server.url).port;
    expect((await pinned.card(`http://pages.test:${port}/og`)).title).toBe('Engines & notes');
    expect(calls).toEqual(['pages.test']);
  });
});

describe('GuardedFetcher as configured in production (no loopback)', () => {
  const strict = new GuardedFetcher({ limits: { totalTimeoutMs: 2_000 } });

  it.each([
    ['loopback', 'http://127.0.0.1/'],
    ['loopback, another spelling', 'http://127.1.2.3/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['private 10/8', 'http://10.1.2.3/'],
    ['private 172.16/12', 'http://172.16.0.1/'],
    ['private 192.168/16', 'https://192.168.1.1/'],
    ['link-local and cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['CGNAT', 'http://100.64.0.1/'],
    ['multicast', 'http://224.0.0.1/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['IPv6 unique local (AWS IPv6 metadata)', 'http://[fd00:ec2::254]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
  ])('refuses %s (%s)', async (_name, url) => {
    expect(await failure(strict, url)).toBe('address');
  });

  it.each([['127.0.0.1'], ['10.0.0.5'], ['169.254.169.254'], ['::1'], ['::ffff:10.0.0.1']])(
    'refuses a DNS name that resolves to %s',
    async (address) => {
      const fetcher = new GuardedFetcher({ lookup: answer(address), limits: { totalTimeoutMs: 2_000 } });
      expect(await failure(fetcher, 'http://innocent.example/')).toBe('address');
    },
  );

  it('refuses the loopback test server itself', async () => {
    // Its port is not standard, so the port rule refuses it first; with a standard port the address rule would.
    const before = server.hits.get('/og') ?? 0;
    expect(await failure(strict, `${server.url}/og`)).toBe('port');
    expect(server.hits.get('/og') ?? 0).toBe(before); // never reached
  });

  it('refuses other schemes, non-standard ports and credentials', async () => {
    const lookup = answer('93.184.216.34');
    const fetcher = new GuardedFetcher({ lookup });
    expect(await failure(fetcher, 'ftp://example.com/file')).toBe('scheme');
    expect(await failure(fetcher, 'file:///etc/passwd')).toBe('scheme');
    expect(await failure(fetcher, 'http://example.com:8080/')).toBe('port');
    expect(await failure(fetcher, 'https://example.com:22/')).toBe('port');
    expect(await failure(fetcher, 'http://user:pw@example.com/')).toBe('scheme');
  });
});
