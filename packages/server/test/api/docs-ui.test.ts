import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp();

describe('interactive docs at /docs', () => {
  it('serves Swagger UI and every file its page loads from this server, with no other origin', async () => {
    const page = await t.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    // Everything the page loads is relative to /docs/: no CDN at run time.
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) expect(asset).not.toMatch(/^(https?:)?\/\//);
    for (const asset of assets) {
      const url = new URL(asset, 'http://localhost/docs/').pathname;
      const res = await t.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.rawPayload.length, url).toBeGreaterThan(0);
    }
    expect(assets).toEqual(expect.arrayContaining([expect.stringMatching(/swagger-ui-bundle\.js$/)]));
    const bundle = await t.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.headers['content-type']).toMatch(/javascript/);
  });

  it('shows the same document as /openapi.json', async () => {
    const ui = await t.inject({ method: 'GET', url: '/docs/json' });
    const served = await t.inject({ method: 'GET', url: '/openapi.json' });
    expect(ui.json()).toEqual(served.json());
  });
});
