import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { LoginThrottle } from '../../src/services/login-throttle.js';
import { PasswordHasher } from '../../src/services/password-hasher.js';
import { ManualClock } from '../support/manual-clock.js';
import { PNG_1PX, TEST_ENV, type TestApp, type TestAppOverrides } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

// Password guessing, sign-up floods and the password-hash bound (docs/api.md, "Limits").
const apps = useTestApps();
let t: TestApp | undefined;

async function start(env: Record<string, string>, overrides: TestAppOverrides = {}) {
  t = await apps.start(env, overrides);
  return t;
}

const loginAs = (app: TestApp, alias: string, password: string, ip: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { alias, password }, remoteAddress: ip, headers });

const signUp = (app: TestApp, alias: string, ip: string, extra: Record<string, unknown> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/users',
    payload: { alias, firstName: 'F', lastName: 'L', password: 'correct horse', ...extra },
    remoteAddress: ip,
  });

describe('failed sign-ins', () => {
  it('counts each attempt before hashing: of 50 concurrent wrong passwords only the limit is checked', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '5' });
    await app.register('alice');
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => loginAs(app, 'alice', 'wrong horse', '10.0.0.1')),
    );
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(45);
    const limited = answers.find((r) => r.statusCode === 429);
    expect(limited?.json().error.code).toBe('rate_limited');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0' });
  });

  it('stops a guesser at its address, never the owner signing in from elsewhere', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '3' });
    await app.register('alice');
    for (let i = 0; i < 3; i++) expect((await loginAs(app, 'alice', 'nope', '10.0.0.1')).statusCode).toBe(401);
    expect((await loginAs(app, 'alice', 'correct horse', '10.0.0.1')).statusCode).toBe(429);
    expect((await loginAs(app, 'alice', 'correct horse', '10.0.0.2')).statusCode).toBe(201);
  });

  it('never locks the owner out, however many addresses guess: the alias only gets a growing delay', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '3', LOGIN_ALIAS_DELAY_MAX_MS: '5' });
    await app.register('alice');
    for (let i = 0; i < 30; i++) expect((await loginAs(app, 'alice', 'nope', `10.1.0.${i}`)).statusCode).toBe(401);
    expect((await loginAs(app, 'alice', 'correct horse', '10.2.0.1')).statusCode).toBe(201);
  });

  it('limits failures per client address across aliases', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '10', LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    await app.register('alice');
    for (const alias of ['bob', 'carol', 'dave']) {
      expect((await loginAs(app, alias, 'nope', '10.9.9.9')).statusCode).toBe(401);
    }
    expect((await loginAs(app, 'alice', 'correct horse', '10.9.9.9')).statusCode).toBe(429);
    expect((await loginAs(app, 'alice', 'correct horse', '10.9.9.8')).statusCode).toBe(201);
  });

  it('does not count successful sign-ins', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '2', LOGIN_MAX_FAILURES_PER_ADDRESS: '2' });
    await app.register('alice');
    for (let i = 0; i < 10; i++)
      expect((await loginAs(app, 'alice', 'correct horse', '10.0.0.1')).statusCode).toBe(201);
  });
});

describe('TRUST_PROXY', () => {
  it('is off by default: X-Forwarded-For is ignored and the proxy is the client', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '2' });
    await app.register('alice');
    for (const ip of ['1.1.1.1', '2.2.2.2']) {
      expect((await loginAs(app, 'alice', 'nope', '10.0.0.1', { 'x-forwarded-for': ip })).statusCode).toBe(401);
    }
    const third = await loginAs(app, 'alice', 'correct horse', '10.0.0.1', { 'x-forwarded-for': '3.3.3.3' });
    expect(third.statusCode).toBe(429);
  });

  it('with a hop count, limits by the forwarded client address', async () => {
    const app = await start({ LOGIN_MAX_FAILURES: '2', TRUST_PROXY: '1' });
    await app.register('alice');
    for (let i = 0; i < 2; i++) {
      const res = await loginAs(app, 'alice', 'nope', '10.0.0.1', { 'x-forwarded-for': '1.1.1.1' });
      expect(res.statusCode).toBe(401);
    }
    const guesser = await loginAs(app, 'alice', 'correct horse', '10.0.0.1', { 'x-forwarded-for': '1.1.1.1' });
    expect(guesser.statusCode).toBe(429);
    const owner = await loginAs(app, 'alice', 'correct horse', '10.0.0.1', { 'x-forwarded-for': '2.2.2.2' });
    expect(owner.statusCode).toBe(201);
  });

  it('takes false, true, a hop count or a list of addresses, and refuses anything else', () => {
    const parse = (v: string) => loadConfig({ ...TEST_ENV, TRUST_PROXY: v }).trustProxy;
    expect(loadConfig(TEST_ENV).trustProxy).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('true')).toBe(true);
    expect(parse('2')).toBe(2);
    expect(parse('10.0.0.1, 192.168.0.0/16')).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(() => parse('proxy.example')).toThrow(/TRUST_PROXY/);
  });
});

describe('sign-ups', () => {
  it('are limited per client address, with Retry-After', async () => {
    const app = await start({ REGISTER_MAX_PER_ADDRESS: '2' });
    expect((await signUp(app, 'ann', '10.0.0.1')).statusCode).toBe(201);
    expect((await signUp(app, 'bob', '10.0.0.1')).statusCode).toBe(201);
    const third = await signUp(app, 'cat', '10.0.0.1');
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(await app.ctx.store.users.get('cat')).toBeNull();
    expect((await signUp(app, 'cat', '10.0.0.2')).statusCode).toBe(201);
  });
});

describe('password hashing bound', () => {
  it('answers 503 with Retry-After when every hashing slot is taken, for sign-up and sign-in alike', async () => {
    const hasher = new PasswordHasher({ N: 1024, r: 8, p: 1 }, { concurrency: 1, queue: 0 });
    const app = await start({}, { passwordHasher: hasher });
    await app.register('alice');
    let release!: () => void;
    const held = hasher.run(() => new Promise<void>((resolve) => (release = resolve)));
    const busy = [await signUp(app, 'bob', '10.0.0.1'), await loginAs(app, 'alice', 'correct horse', '10.0.0.1')];
    for (const res of busy) {
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('unavailable');
      expect(res.headers['retry-after']).toBe('1');
    }
    expect(await app.ctx.store.users.get('bob')).toBeNull();
    release();
    await held;
    expect((await signUp(app, 'bob', '10.0.0.1')).statusCode).toBe(201);
    expect((await loginAs(app, 'alice', 'correct horse', '10.0.0.1')).statusCode).toBe(201);
  });

  it('lets callers wait in the queue, in order, while a slot is taken', async () => {
    const hasher = new PasswordHasher({ N: 1024, r: 8, p: 1 }, { concurrency: 1, queue: 2 });
    let release!: () => void;
    const held = hasher.run(() => new Promise<void>((resolve) => (release = resolve)));
    const order: number[] = [];
    const waiting = [1, 2].map((n) => hasher.run(async () => void order.push(n)));
    await expect(hasher.run(async () => 3)).rejects.toMatchObject({ code: 'unavailable' });
    expect(hasher.load).toEqual({ running: 1, waiting: 2 });
    release();
    await Promise.all([held, ...waiting]);
    expect(order).toEqual([1, 2]);
    expect(hasher.load).toEqual({ running: 0, waiting: 0 });
  });
});

describe('an upload whose account is not created', () => {
  it('leaves no picture behind when writing the user fails', async () => {
    const app = await start({});
    const users = app.ctx.store.users;
    const create = users.create.bind(users);
    users.create = async () => {
      throw new Error('disk full');
    };
    const res = await signUp(app, 'ann', '10.0.0.1', {
      image: { type: 'image/png', data: PNG_1PX.toString('base64') },
    });
    expect(res.statusCode).toBe(500);
    users.create = create;
    const dir = `${app.dataDir}/blobs/avatars`;
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});

describe('the alias delay', () => {
  it('starts after LOGIN_MAX_FAILURES failures from all addresses, doubles, is capped and ends with the window', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, {
      maxFailures: 3,
      maxFailuresPerAddress: 100,
      windowMs: 60_000,
      aliasDelayMaxMs: 2000,
    });
    const delays = Array.from({ length: 8 }, (_, i) => throttle.begin('alice', `10.0.0.${i}`).delayMs);
    expect(delays).toEqual([0, 0, 0, 250, 500, 1000, 2000, 2000]);
    const ok = throttle.begin('alice', '10.0.1.1');
    throttle.succeeded(ok); // the owner's success does not hand guessers a fresh start
    expect(throttle.begin('alice', '10.0.1.2').delayMs).toBe(2000);
    clock.advance(60_000);
    expect(throttle.begin('alice', '10.0.1.3').delayMs).toBe(0);
  });
});
