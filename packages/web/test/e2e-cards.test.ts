import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Link cards in a real browser: a local page with OpenGraph tags (the test server may fetch loopback, for this test
// only), a status linking it, and the card appearing under the status live, when the server has fetched it.

// A picture that crops well both ways: wide on a phone, square beside the text on a desktop.
const IMAGE = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="315" viewBox="0 0 600 315">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0b6fc4"/><stop offset="1" stop-color="#7c3aed"/></linearGradient></defs>
<rect width="600" height="315" fill="url(#g)"/>
<g fill="none" stroke="#ffffff" stroke-width="10" opacity="0.85"><circle cx="300" cy="158" r="70"/><circle cx="300" cy="158" r="22"/>
<circle cx="185" cy="110" r="38"/><circle cx="415" cy="205" r="38"/></g>
<g stroke="#ffffff" stroke-width="10" opacity="0.85"><line x1="300" y1="70" x2="300" y2="40"/><line x1="300" y1="246" x2="300" y2="276"/>
<line x1="212" y1="158" x2="182" y2="158"/><line x1="388" y1="158" x2="418" y2="158"/></g></svg>`;

const PAGE = `<!doctype html><html><head>
<title>Notes on the Analytical Engine (plain title)</title>
<meta property="og:title" content="Notes on the Analytical Engine">
<meta property="og:description" content="Sketch of the engine invented by Charles Babbage, with the translator&#39;s notes on how it could compute Bernoulli numbers.">
<meta property="og:image" content="/engine.svg">
<meta property="og:site_name" content="Engine Notes">
</head><body><h1>Notes</h1></body></html>`;

describe('link cards in Chromium', { timeout: 90_000 }, () => {
  let pages: Server | undefined;
  let pagesUrl = '';
  let ada = '';
  const held: (() => void)[] = [];
  const suite = useBrowserSuite('e2e-cards', {
    env: { CARD_FETCH_ALLOW_LOOPBACK: 'true' },
    setUp: async (server) => {
      const site = createServer((req, res) => {
        if (req.url === '/engine.svg') {
          res.writeHead(200, { 'content-type': 'image/svg+xml' });
          res.end(IMAGE);
          return;
        }
        // The article is answered only when the test lets it: the card must arrive after the status is on screen.
        held.push(() => {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(PAGE);
        });
      });
      pages = site;
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      pagesUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
      const bob = await server.register('bob', { firstName: 'Bob', lastName: 'Builder', password: PASSWORD });
      expect((await server.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ada' })).statusCode).toBe(200);
    },
    tearDown: async () => {
      pages?.closeAllConnections();
      await new Promise((resolve) => pages?.close(resolve));
    },
  });
  const signInAsBob = (page: Page) => suite.signIn(page, 'bob');

  async function post(text: string): Promise<string> {
    const res = await suite.server.as(ada, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }

  it('shows the card under a status as soon as the server has it, without a reload', async () => {
    const page = await suite.newPage(DESKTOP);
    // The feed channel's subscription acknowledged: from then on live events reach this page.
    const subscribed = new Promise<void>((resolve) => {
      page.on('websocket', (ws) =>
        ws.on('framereceived', (f) => {
          const frame = JSON.parse(String(f.payload)) as { type?: string; op?: string; channel?: string };
          if (frame.type === 'ack' && frame.op === 'subscribe' && frame.channel === 'feed') resolve();
        }),
      );
    });
    await post(`Finally read the notes: ${pagesUrl}/notes`);
    await expect.poll(() => held.length).toBe(1); // the server is fetching the page, which has not answered yet
    await signInAsBob(page);
    const status = page.getByRole('article', { name: 'Status by Ada Lovelace' });
    await status.waitFor();
    await subscribed;
    expect(await status.getByRole('link', { name: /Notes on the Analytical Engine/ }).count()).toBe(0);

    held.shift()?.();
    const card = status.getByRole('link', { name: /Notes on the Analytical Engine/ });
    await card.waitFor();
    expect(await card.getAttribute('href')).toBe(`${pagesUrl}/notes`);
    expect(await card.getAttribute('rel')).toContain('noopener');
    await expect.poll(() => card.textContent()).toContain('Engine Notes');
    await expect.poll(() => card.textContent()).toContain('Bernoulli numbers');
    const image = card.locator('img');
    expect(await image.getAttribute('src')).toBe(`${pagesUrl}/engine.svg`);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    await suite.accessible(page, 'feed with a link card');
    await suite.shot(page, 'link-card-desktop');
  });

  it('fits a 360 px screen, on the feed and on the status page', async () => {
    const page = await suite.newPage(PHONE);
    await signInAsBob(page);
    const status = page.getByRole('article', { name: 'Status by Ada Lovelace' });
    const card = status.getByRole('link', { name: /Notes on the Analytical Engine/ });
    await card.waitFor();
    await expect
      .poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    await suite.fitsPhone(page, 'feed with a link card (360 px)');
    await status.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await suite.shot(page, 'link-card-phone');

    await status.locator('time').click();
    await page.waitForURL('**/statuses/*');
    await page.getByRole('link', { name: /Notes on the Analytical Engine/ }).waitFor();
    await suite.fitsPhone(page, 'status page with a link card (360 px)');
  });
});
