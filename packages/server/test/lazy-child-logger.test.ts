import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChildLogger } from '../src/http/lazy-child-logger.js';

// A hot route's request logger is made on its first line (http/lazy-child-logger.ts): the lines it writes must be
// those of Fastify's eager child (request id bound, redaction applied), and its level and children behave the same.

function captured(): { logger: FastifyBaseLogger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  // The options of src/logger.ts, written to the sink.
  const logger = pino({ level: 'info', base: { service: 'tweeter' }, redact: ['*.password', '*.token'] }, sink);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

describe('lazyChildLogger', () => {
  it('writes the same lines as the eager child, with the request id and redaction', async () => {
    const { logger, lines } = captured();
    let n = 0;
    const app = Fastify({
      loggerInstance: logger,
      logController: new LogController({ disableRequestLogging: true }),
      genReqId: () => `req-${(n += 1)}`,
    });
    const handler = async (req: { log: FastifyBaseLogger }) => {
      req.log.warn({ creds: { token: 't0ps3cret' }, what: 'w' }, 'a line');
      req.log.debug({}, 'below the level');
      req.log.child({ part: 'inner' }).info({}, 'from a child');
      return { ok: true };
    };
    app.get('/eager', handler);
    app.get('/lazy', { childLoggerFactory: lazyChildLogger }, handler);
    app.get('/quiet', { childLoggerFactory: lazyChildLogger }, async () => ({ ok: true }));
    try {
      expect((await app.inject({ url: '/eager' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/lazy' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/quiet' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    const shape = (reqId: string) =>
      lines()
        .filter((l) => l.reqId === reqId)
        .map(({ time: _time, pid: _pid, hostname: _host, reqId: _id, ...rest }) => rest);
    const eager = shape('req-1');
    expect(eager).toEqual([
      { level: 40, service: 'tweeter', creds: { token: '[Redacted]' }, what: 'w', msg: 'a line' },
      { level: 30, service: 'tweeter', part: 'inner', msg: 'from a child' },
    ]);
    expect(shape('req-2')).toEqual(eager);
    expect(shape('req-3')).toEqual([]);
  });

  it('answers the level it inherits and takes a new one', () => {
    const { logger, lines } = captured();
    const lazy = lazyChildLogger(logger, { reqId: 'r' }, {});
    expect(lazy.level).toBe('info');
    expect(lazyChildLogger(logger, { reqId: 'r' }, { level: 'warn' }).level).toBe('warn');
    lazy.level = 'debug';
    lazy.debug({ n: 1 }, 'now shown');
    expect(lazy.level).toBe('debug');
    expect(logger.level).toBe('info');
    expect(lines().map((l) => [l.reqId, l.msg])).toEqual([['r', 'now shown']]);
  });
});
