import Database from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PNG_1PX } from '../support/test-app.js';
import { testShape } from '../support/aws-local.js';
import { useTestApp, useTestApps } from '../support/use-test-app.js';

const t = useTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '60' } }, { per: 'test' });
const apps = useTestApps();

const register = (payload: unknown) => t.inject({ method: 'POST', url: '/api/v1/users', payload: payload as object });
const login = (alias: string, password: string, ip = '10.0.0.1') =>
  t.inject({ method: 'POST', url: '/api/v1/sessions', payload: { alias, password }, remoteAddress: ip });

describe('register and login', () => {
  it('registers, returns a token that works, and never exposes the password hash', async () => {
    const res = await register({ alias: '@Alice', firstName: 'Alice', lastName: 'Liddell', password: 'wonderland' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toEqual({ alias: 'alice', firstName: 'Alice', lastName: 'Liddell', imageUrl: null });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(res.body).not.toMatch(/scrypt|password/i);
    const me = await t.as(body.token, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      alias: 'alice',
      firstName: 'Alice',
      lastName: 'Liddell',
      imageUrl: null,
      bio: '',
      followerCount: 0,
      followeeCount: 0,
      followedByMe: false,
      blockedByMe: false,
      mutedByMe: false,
      blocksMe: false,
    });
  });

  // It opens the SQLite file to look at the stored rows; on aws-local the sessions live in DynamoDB.
  it.skipIf(testShape() === 'aws-local')('stores only a hash of the token', async () => {
    const token = await t.register('alice');
    const db = new Database(t.config.databaseFile, { readonly: true });
    const rows = db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toBe(token);
  });

  it('refuses a taken alias whatever its case, with 409 alias_taken', async () => {
    await t.register('alice');
    const res = await register({ alias: 'ALICE', firstName: 'A', lastName: 'B', password: 'password1' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('alias_taken');
  });

  it.each([
    [{ alias: 'ab', firstName: 'A', lastName: 'B', password: 'password1' }, 'body.alias'],
    [{ alias: 'bad-alias', firstName: 'A', lastName: 'B', password: 'password1' }, 'body.alias'],
    [{ alias: 'a'.repeat(31), firstName: 'A', lastName: 'B', password: 'password1' }, 'body.alias'],
    [{ alias: 'alice', firstName: '', lastName: 'B', password: 'password1' }, 'body.firstName'],
    [{ alias: 'alice', firstName: 'A'.repeat(51), lastName: 'B', password: 'password1' }, 'body.firstName'],
    [{ alias: 'alice', firstName: 'A', lastName: 'B', password: 'short' }, 'body.password'],
    [{ alias: 'alice', firstName: 'A', lastName: 'B' }, 'body.password'],
    [{ alias: 42, firstName: 'A', lastName: 'B', password: 'password1' }, 'body.alias'],
    [
      {
        alias: 'alice',
        firstName: 'A',
        lastName: 'B',
        password: 'password1',
        image: { type: 'image/gif', data: 'AA==' },
      },
      'body.image.type',
    ],
  ])('rejects %j with 400 naming %s, and creates nothing', async (payload, path) => {
    const res = await register(payload);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await t.ctx.store.users.get('alice')).toBeNull();
  });

  it('logs in with the right password and not with a wrong one or an unknown alias', async () => {
    await t.register('alice');
    expect((await login('alice', 'correct horse')).statusCode).toBe(201);
    expect((await login('@ALICE', 'correct horse')).statusCode).toBe(201);
    const wrong = await login('alice', 'wrong horse');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthenticated');
    expect((await login('nobody', 'correct horse')).statusCode).toBe(401);
  });

  it('logout revokes the token at once', async () => {
    const token = await t.register('alice');
    expect((await t.as(token, { method: 'DELETE', url: '/api/v1/sessions/current' })).statusCode).toBe(204);
    const after = await t.as(token, { method: 'GET', url: '/api/v1/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('rejects missing, malformed and unknown tokens with 401', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } })).statusCode,
    ).toBe(401);
    expect((await t.as('x'.repeat(43), { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });
});

describe('expired tokens', () => {
  it('stop working after TOKEN_TTL_DAYS', async () => {
    let now = Date.now();
    const clocked = await apps.start({ TOKEN_TTL_DAYS: '1' }, { clock: { now: () => now } });
    const token = await clocked.register('alice');
    expect((await clocked.as(token, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    now += 86_400_000 + 1;
    const res = await clocked.as(token, { method: 'GET', url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
  });
});

describe('profile images', () => {
  it('accepts a PNG at registration and serves it back at imageUrl', async () => {
    const res = await register({
      alias: 'alice',
      firstName: 'A',
      lastName: 'B',
      password: 'password1',
      image: { type: 'image/png', data: PNG_1PX.toString('base64') },
    });
    expect(res.statusCode).toBe(201);
    const url: string = res.json().user.imageUrl;
    // Re-encoded by the upload pipeline (JPEG, or WebP where there is transparency), same pixels' size.
    expect(url).toMatch(/^\/media\/avatars\/alice-[a-z0-9]+\.(jpg|webp)$/);
    const img = await t.inject({ method: 'GET', url });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toMatch(/^image\/(jpeg|webp)$/);
    const meta = await sharp(img.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([1, 1]);
  });

  it('replaces the avatar with raw bytes and removes the old file', async () => {
    const token = await t.register('alice');
    const put = () =>
      t.as(token, {
        method: 'PUT',
        url: '/api/v1/me/avatar',
        payload: PNG_1PX,
        headers: { 'content-type': 'image/png' },
      });
    const first = await put();
    expect(first.statusCode).toBe(200);
    const second = await put();
    expect(second.json().imageUrl).not.toBe(first.json().imageUrl);
    expect((await t.inject({ method: 'GET', url: first.json().imageUrl })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: second.json().imageUrl })).statusCode).toBe(200);
    expect((await t.as(token, { method: 'GET', url: '/api/v1/me' })).json().imageUrl).toBe(second.json().imageUrl);
  });

  it('checks magic bytes, type and size', async () => {
    const token = await t.register('alice');
    const put = (payload: Buffer, type: string) =>
      t.as(token, { method: 'PUT', url: '/api/v1/me/avatar', payload, headers: { 'content-type': type } });
    const fake = await put(Buffer.from('<svg>not a png</svg>'), 'image/png');
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.code).toBe('unsupported_media_type');
    expect((await put(PNG_1PX, 'image/gif')).statusCode).toBe(415);
    expect((await put(PNG_1PX, 'image/jpeg')).statusCode).toBe(415);
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(1024 * 1024)]);
    const tooBig = await put(big, 'image/png');
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('payload_too_large');
    expect((await t.as(token, { method: 'GET', url: '/api/v1/me' })).json().imageUrl).toBeNull();
  });

  it('rejects a registration whose image bytes are not an image, creating no account', async () => {
    const res = await register({
      alias: 'alice',
      firstName: 'A',
      lastName: 'B',
      password: 'password1',
      image: { type: 'image/png', data: Buffer.from('hello').toString('base64') },
    });
    expect(res.statusCode).toBe(415);
    expect(await t.ctx.store.users.get('alice')).toBeNull();
  });
});
