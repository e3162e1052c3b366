import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, useTestApps } from '../support/use-test-app.js';
import { testShape } from '../support/aws-local.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('the web app served at /', () => {
  let webDir: string;
  // Registered before the app's hooks: the folder exists before the app starts and is removed after it closes.
  beforeAll(() => {
    webDir = mkdtempSync(join(tmpdir(), 'tweeter-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Tweeter app</title>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(webDir, { recursive: true, force: true }));
  const t = useTestApp(() => ({ env: { WEB_DIR: webDir } }));

  it('serves index.html at / without caching it', async () => {
    const res = await t.inject({ method: 'GET', url: '/', headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tweeter app');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets cached for a year', async () => {
    const res = await t.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a deep link page load with the app', async () => {
    for (const url of ['/feed', '/users/ada/followers', '/statuses/01JF3XA?x=1', '/boards/abc']) {
      const res = await t.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('Tweeter app');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('keeps the JSON 404 for unknown API paths, missing assets and non-HTML requests', async () => {
    for (const [url, headers] of [
      ['/api/v1/nope', HTML],
      ['/api/nope', {}],
      ['/assets/missing.js', {}],
      ['/feed', { accept: 'application/json' }],
    ] as const) {
      const res = await t.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('GET /api/v1/meta gives the stream URL of the host asked, without auth', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/meta', headers: { host: 'tweeter.test:8080' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      streamUrl: 'ws://tweeter.test:8080/api/v1/stream',
      version: expect.any(String),
      // How uploads travel depends on the shape (meta.test.ts checks each in full).
      mediaUpload: expect.objectContaining({ via: testShape() === 'aws-local' ? 's3-put' : 'api' }),
    });
  });
});

describe('meta and the web app under other settings', () => {
  const apps = useTestApps();

  it('uses PUBLIC_URL for the stream URL (wss for https)', async () => {
    const t = await apps.start({ PUBLIC_URL: 'https://tweeter.example/' });
    const res = await t.inject({ method: 'GET', url: '/api/v1/meta' });
    expect(res.json()).toMatchObject({ streamUrl: 'wss://tweeter.example/api/v1/stream' });
  });

  it('starts without a built app and says at / how to build it', async () => {
    const t = await apps.start({ WEB_DIR: join(tmpdir(), 'tweeter-no-such-web-dir') });
    const res = await t.inject({ method: 'GET', url: '/', headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    const api = await t.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(api.statusCode).toBe(404);
  });
});
