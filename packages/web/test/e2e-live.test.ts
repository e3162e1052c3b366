import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '@tweeter/server/test-support';
import { buildWebApp, launchChromium } from './e2e-support.js';

// The app opened as people open it: a full page load of an address they typed, the live stream coming up while the
// page, the redirect and the lazily loaded screen do. Each load is one more chance for the handshake to lose a
// subscription, so every case loads the page several times (TWEETER_E2E_LOADS to measure with more).
const LOADS = Number(process.env.TWEETER_E2E_LOADS ?? 5);
const PASSWORD = 'correct horse battery';
const ADA = { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD };

/** The frames of every WebSocket a page opened, in order, the newest socket last. */
function recordSockets(page: Page): { sockets: { ws: WebSocket; frames: Record<string, unknown>[] }[] } {
  const log: { sockets: { ws: WebSocket; frames: Record<string, unknown>[] }[] } = { sockets: [] };
  page.on('websocket', (ws) => {
    const entry = { ws, frames: [] as Record<string, unknown>[] };
    log.sockets.push(entry);
    const add = (dir: string) => (f: { payload: string | Buffer }) =>
      entry.frames.push({ dir, ...(JSON.parse(String(f.payload)) as Record<string, unknown>) });
    ws.on('framesent', add('sent'));
    ws.on('framereceived', add('recv'));
  });
  return log;
}

describe('live updates after a full page load, in Chromium', { timeout: 60_000 + LOADS * 10_000 }, () => {
  let server: TestApp;
  let browser: Browser;
  let outDir: string;
  let ada: string;
  let bob: string;
  let boardId: string;
  let page: Page;
  let log: ReturnType<typeof recordSockets>;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tweeter-e2e-live-'));
    buildWebApp(outDir);
    server = await createTestApp({ WEB_DIR: outDir });
    const base = await server.listen();
    ada = await server.register('ada', ADA);
    bob = await server.register('bob', { password: PASSWORD });
    const ok = async (token: string, method: 'PUT' | 'POST', url: string, payload?: object) => {
      const res = await server.as(token, { method, url, payload });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json<{ id: string }>();
    };
    await ok(bob, 'PUT', '/api/v1/me/followees/ada');
    boardId = (await ok(ada, 'POST', '/api/v1/boards', { name: 'Engineering', visibility: 'public' })).id;
    await ok(bob, 'PUT', `/api/v1/boards/${boardId}/members/bob`, { role: 'member' });

    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: base, reducedMotion: 'reduce' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[e2e-live] page error: ${err.message}`));
    log = recordSockets(page);
    // Signed in once, remembered: every load below starts the app with a stored session, as a returning user's does.
    await page.goto('/login');
    await page.getByLabel('Alias').fill('bob');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Remember me').check();
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /**
   * After a full load, waits until the page has read its list (`ready`) and the server has acked the stream's sign-in:
   * from then on nothing but the live stream brings what is posted next (the catch-up after connecting is over).
   */
  async function loaded(url: string, ready: () => Promise<unknown>): Promise<void> {
    const before = log.sockets.length;
    await page.goto(url);
    await ready();
    await vi.waitFor(
      () => {
        const socket = log.sockets.slice(before).at(-1);
        expect(socket?.frames).toContainEqual(expect.objectContaining({ dir: 'recv', type: 'ack', op: 'auth' }));
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  /** What the page's newest socket sent and received: printed when a live update never came. */
  const frames = () => JSON.stringify(log.sockets.at(-1)?.frames.map(({ token: _t, ...f }) => f));

  it(`"/" (redirected to /feed): another user's post arrives as the banner, ${LOADS} loads in a row`, async () => {
    for (let i = 1; i <= LOADS; i++) {
      await loaded('/', async () => {
        await page.waitForURL('**/feed');
        const previous = i === 1 ? page.getByText('Your feed is empty') : page.getByText(`Live check ${i - 1}.`);
        await previous.waitFor();
      });
      const res = await server.as(ada, {
        method: 'POST',
        url: '/api/v1/statuses',
        payload: { post: `Live check ${i}.` },
      });
      expect(res.statusCode).toBe(201);
      const banner = page.getByRole('button', { name: '1 new post' });
      await banner.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error(`load ${i} of "/": no banner; the stream's frames: ${frames()}`);
      });
      await banner.click();
      await page.getByRole('article', { name: 'Status by Ada Lovelace' }).getByText(`Live check ${i}.`).waitFor();
      await server.drain(); // the post is in bob's stored feed before the next load reads it
    }
  });

  it(`/boards/<id>: another member's message arrives in place, ${LOADS} loads in a row`, async () => {
    for (let i = 1; i <= LOADS; i++) {
      await loaded(`/boards/${boardId}`, async () => {
        await page.getByRole('heading', { name: 'Engineering' }).waitFor();
        const previous = i === 1 ? page.getByText('No messages yet.') : page.getByText(`Board check ${i - 1}.`);
        await previous.waitFor();
      });
      const url = `/api/v1/boards/${boardId}/messages`;
      const res = await server.as(ada, { method: 'POST', url, payload: { text: `Board check ${i}.` } });
      expect(res.statusCode).toBe(201);
      await page
        .getByRole('article', { name: 'Message by Ada Lovelace' })
        .getByText(`Board check ${i}.`)
        .waitFor({ timeout: 10_000 })
        .catch(() => {
          throw new Error(`load ${i} of the board: the message never came; the stream's frames: ${frames()}`);
        });
    }
  });

  it('/boards/<id> with the sign-in held until the board is on screen: caught up, then subscribed', async () => {
    // The same window made certain, on a board of its own: the stream's answers wait until the board page has
    // mounted and asked for its channel, then arrive in order. (Routed sockets are the page's own: frames are
    // recorded here.)
    const made = await server.as(ada, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: 'Reviews', visibility: 'public' },
    });
    const reviews = made.json<{ id: string }>().id;
    const join = await server.as(bob, {
      method: 'PUT',
      url: `/api/v1/boards/${reviews}/members/bob`,
      payload: { role: 'member' },
    });
    expect(join.statusCode).toBe(200);
    const held = await page.context().newPage();
    let gate: { open: boolean; queue: (() => void)[] } = { open: false, queue: [] };
    const seen: Record<string, unknown>[] = [];
    await held.routeWebSocket(/\/api\/v1\/stream/, (ws) => {
      const server = ws.connectToServer();
      const mine = gate;
      ws.onMessage((m) => {
        seen.push({ dir: 'sent', ...(JSON.parse(String(m)) as Record<string, unknown>) });
        server.send(m);
      });
      server.onMessage((m) => {
        const deliver = () => {
          seen.push({ dir: 'recv', ...(JSON.parse(String(m)) as Record<string, unknown>) });
          ws.send(m);
        };
        if (mine.open) deliver();
        else mine.queue.push(deliver);
      });
    });
    // The board is read only once the socket is open and has sent `auth`: the page then asks for the board's
    // channel while the sign-in is unanswered, on every load.
    const authSent = () => expect(seen).toContainEqual(expect.objectContaining({ dir: 'sent', type: 'auth' }));
    await held.route(`**/api/v1/boards/${reviews}`, async (route) => {
      await vi.waitFor(authSent, { timeout: 10_000, interval: 20 });
      await route.continue();
    });
    const messages = held.getByRole('article', { name: 'Message by Ada Lovelace' });
    const post = async (text: string) => {
      const url = `/api/v1/boards/${reviews}/messages`;
      expect((await server.as(ada, { method: 'POST', url, payload: { text } })).statusCode).toBe(201);
    };
    const dump = () => JSON.stringify(seen.map(({ token: _t, ...f }) => f));
    const load = async (previous: string) => {
      gate = { open: false, queue: [] };
      seen.length = 0;
      await held.goto(`/boards/${reviews}`);
      // The board and its messages were read (so the page asked for the channel), and nothing came back yet.
      await held.getByRole('heading', { name: 'Reviews' }).waitFor();
      await held.getByText(previous).waitFor();
      expect(seen.filter((f) => f.dir === 'recv')).toEqual([]);
    };
    const release = () => {
      gate.open = true;
      for (const deliver of gate.queue.splice(0)) deliver();
    };

    // Posted before the stream signed in, on a board read empty: only the catch-up after connecting brings it.
    await load('No messages yet.');
    await post('Held check 1.');
    release();
    await messages.getByText('Held check 1.').waitFor({ timeout: 10_000 });

    // Posted once the board's channel is acked: the live event brings it.
    await load('Held check 1.');
    release();
    const acked = expect.objectContaining({ dir: 'recv', type: 'ack', id: `sub:board:${reviews}` });
    await vi.waitFor(() => expect(seen, dump()).toContainEqual(acked), { timeout: 10_000, interval: 20 });
    await post('Held check 2.');
    await messages.getByText('Held check 2.').waitFor({ timeout: 10_000 });
    await held.close();
  });
});
