// Fetches a page's <head> for a link card, guarded against SSRF: a status's author chooses the URL, and the server
// must never be made to call its own network. The address check is request-filtering-agent's: it validates the
// address a DNS answer gives inside the connection's own lookup, so the address checked is the one connected to (a
// second, rebinding answer is never asked for), and literal IP hosts before connecting. Every redirect is a new
// request through the same checks.

import type { Card } from '@tweeter/shared';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { TextDecoder } from 'node:util';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { CardFetchError, type CardSource } from '../../ports/card-source.js';
import { HeadMeta } from './head-meta.js';

export { CardFetchError, type CardFetchFailure } from '../../ports/card-source.js';

export interface FetchLimits {
  /** From the start of a request until its TCP (and TLS) connection is up. */
  connectTimeoutMs: number;
  /** The whole fetch, every redirect included. */
  totalTimeoutMs: number;
  /** Bytes of body read at most; a page whose </head> does not come before this is refused. */
  maxBytes: number;
  /** Redirects followed at most. */
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  connectTimeoutMs: 3_000,
  totalTimeoutMs: 8_000,
  maxBytes: 1024 * 1024,
  maxRedirects: 3,
};

/** Ports a link may name: the standard ones only (another port is an internal service more often than a page). */
const STANDARD_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

export interface GuardedFetchOptions {
  limits?: Partial<FetchLimits>;
  /**
   * Lets loopback addresses (127.0.0.1, ::1) and any port through: for tests against local servers only. The
   * config refuses it in production (CARD_FETCH_ALLOW_LOOPBACK with NODE_ENV=production).
   */
  allowLoopback?: boolean;
  /** The DNS lookup (tests inject answers); dns.lookup by default. Its answers go through the address check. */
  lookup?: LookupFunction;
  userAgent?: string;
}

/** Fetches pages for cards; one per process, reused (its agents keep no connections alive). */
export class GuardedFetcher implements CardSource {
  private readonly limits: FetchLimits;
  private readonly httpAgent: RequestFilteringHttpAgent;
  private readonly httpsAgent: RequestFilteringHttpsAgent;

  constructor(private readonly options: GuardedFetchOptions = {}) {
    this.limits = { ...DEFAULT_FETCH_LIMITS, ...options.limits };
    // Exact addresses, not ranges: the library throws (and so refuses) matching an IPv6 address against a v4 range.
    const filter = { allowIPAddressList: options.allowLoopback === true ? ['127.0.0.1', '::1'] : [] };
    // No keep-alive: a pooled socket would skip the lookup (and its check) of the next request.
    this.httpAgent = new RequestFilteringHttpAgent({ keepAlive: false, ...filter });
    this.httpsAgent = new RequestFilteringHttpsAgent({ keepAlive: false, ...filter });
  }

  /** The card of the page at `url`, following at most maxRedirects redirects; throws a CardFetchError. */
  async card(url: string): Promise<Card> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.limits.totalTimeoutMs);
    try {
      let current = url;
      for (let hop = 0; ; hop++) {
        const target = this.checkUrl(current);
        const res = await this.get(target, deadline.signal);
        const location = res.headers.location;
        if (res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && location) {
          res.destroy();
          if (hop >= this.limits.maxRedirects) {
            throw new CardFetchError('redirects', `more than ${this.limits.maxRedirects} redirects`);
          }
          current = new URL(location, target).href;
          continue;
        }
        const meta = await this.readHead(res, deadline.signal);
        const card = meta.card(target.href);
        if (!card) throw new CardFetchError('no_card', 'the page has no title');
        return card;
      }
    } catch (err) {
      if (err instanceof CardFetchError) throw err;
      if (deadline.signal.aborted) throw new CardFetchError('timeout', `took over ${this.limits.totalTimeoutMs} ms`);
      throw new CardFetchError(isAddressRefusal(err) ? 'address' : 'network', errorMessage(err));
    } finally {
      clearTimeout(timer);
    }
  }

  private checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new CardFetchError('scheme', 'not a URL');
    }
    const standard = STANDARD_PORTS[url.protocol];
    if (standard === undefined) throw new CardFetchError('scheme', `${url.protocol} is not http or https`);
    if (url.username || url.password) throw new CardFetchError('scheme', 'URLs with credentials are not fetched');
    if (url.port !== '' && url.port !== standard && this.options.allowLoopback !== true) {
      throw new CardFetchError('port', `port ${url.port} is not the standard ${url.protocol} port`);
    }
    return url;
  }

  // One GET, resolved with the response once its headers arrive; the connect timeout runs until the socket is up.
  private get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, {
        method: 'GET',
        agent: https ? this.httpsAgent : this.httpAgent,
        signal,
        ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
        headers: {
          'user-agent': this.options.userAgent ?? 'TweeterBot/0.1 (link previews)',
          accept: 'text/html',
          'accept-encoding': 'identity',
        },
      });
      const connectTimer = setTimeout(() => {
        req.destroy(new CardFetchError('timeout', `no connection within ${this.limits.connectTimeoutMs} ms`));
      }, this.limits.connectTimeoutMs);
      req.on('socket', (socket) => {
        const connected = () => clearTimeout(connectTimer);
        if (!socket.connecting) connected();
        else socket.once(https ? 'secureConnect' : 'connect', connected);
      });
      req.on('response', (res) => {
        clearTimeout(connectTimer);
        resolve(res);
      });
      req.on('error', (err) => {
        clearTimeout(connectTimer);
        reject(err);
      });
      req.end();
    });
  }

  // Reads the body until </head> (or <body>), at most maxBytes; only text/html is read at all.
  private async readHead(res: IncomingMessage, signal: AbortSignal): Promise<HeadMeta> {
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      res.destroy();
      throw new CardFetchError('http_status', `the page answered ${status}`);
    }
    const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/html') {
      res.destroy();
      throw new CardFetchError('not_html', `content type ${type || '(none)'} is not text/html`);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.maxBytes) {
      res.destroy();
      throw new CardFetchError('too_large', `${declared} bytes is over ${this.limits.maxBytes}`);
    }
    const decoder = decoderFor(res.headers['content-type'] ?? '');
    const meta = new HeadMeta();
    let bytes = 0;
    try {
      for await (const chunk of res) {
        if (signal.aborted) break;
        const buf = chunk as Buffer;
        bytes += buf.length;
        if (bytes > this.limits.maxBytes) {
          throw new CardFetchError('too_large', `no </head> within ${this.limits.maxBytes} bytes`);
        }
        meta.write(decoder.decode(buf, { stream: true }));
        if (meta.done) break;
      }
      if (!meta.done) meta.write(decoder.decode());
    } finally {
      res.destroy(); // stop reading past </head>: the rest of the page is not needed
    }
    if (signal.aborted) throw new CardFetchError('timeout', `took over ${this.limits.totalTimeoutMs} ms`);
    return meta;
  }
}

// The charset the header names, when the platform knows it; UTF-8 otherwise.
function decoderFor(contentType: string): TextDecoder {
  const charset = /charset="?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8');
  }
}

function isAddressRefusal(err: unknown): boolean {
  return err instanceof Error && /is not allowed/.test(err.message);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
