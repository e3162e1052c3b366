import type { Status } from '@tweeter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { ogPage, startPageServer, type PageServer } from '../support/page-server.js';
import { useTestApp } from '../support/use-test-app.js';

// How long a card stays fresh, on either shape: a card is fetched again only after 24 hours, a page that gave no
// card after an hour, and a refresh that fails keeps the card statuses already show. Time is a manual clock.
const HOUR = 3_600_000;
const clock = new ManualClock(Date.now());
const t = useTestApp({ env: { CARD_FETCH_ALLOW_LOOPBACK: 'true', WRITE_RATE_LIMITS: 'off' }, overrides: { clock } });

let pages: PageServer;
/** What the site answers now, per path: a page title, or an HTTP status for an error. */
const site = new Map<string, string | number>();

beforeAll(async () => {
  pages = await startPageServer((req, res) => {
    const answer = site.get(req.url ?? '/') ?? 404;
    if (typeof answer === 'number') {
      res.writeHead(answer, { 'content-type': 'text/html' });
      res.end('<head><title>error</title></head>');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(ogPage({ title: answer }));
    }
  });
});

afterAll(() => pages.close());

let token = '';

async function postAndSettle(path: string): Promise<string> {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: `${pages.url}${path}` } });
  expect(res.statusCode).toBe(201);
  await t.drain();
  return res.json<Status>().id;
}

async function titleOf(id: string): Promise<string | null> {
  return (await t.as(token, { url: `/api/v1/statuses/${id}` })).json<Status>().card?.title ?? null;
}

describe('link card freshness', () => {
  beforeAll(async () => {
    token = await t.register('fresh_cards');
  });

  it('fetches again only when the card is older than a day, and every status then shows the new one', async () => {
    site.set('/doc', 'Version 1');
    const first = await postAndSettle('/doc');
    expect(await titleOf(first)).toBe('Version 1');
    site.set('/doc', 'Version 2');
    clock.advance(23 * HOUR);
    const second = await postAndSettle('/doc');
    expect(pages.hits.get('/doc')).toBe(1);
    expect(await titleOf(second)).toBe('Version 1');
    clock.advance(HOUR + 1);
    const third = await postAndSettle('/doc');
    expect(pages.hits.get('/doc')).toBe(2);
    for (const id of [first, second, third]) expect(await titleOf(id)).toBe('Version 2');
  });

  it('keeps the card when a refresh fails, and tries again an hour later', async () => {
    site.set('/kept', 'Kept page');
    const first = await postAndSettle('/kept');
    site.set('/kept', 500);
    clock.advance(25 * HOUR);
    const second = await postAndSettle('/kept');
    expect(pages.hits.get('/kept')).toBe(2);
    expect(await titleOf(first)).toBe('Kept page');
    expect(await titleOf(second)).toBe('Kept page');
    await postAndSettle('/kept');
    expect(pages.hits.get('/kept')).toBe(2); // the failure is remembered for an hour
    site.set('/kept', 'Kept page, revised');
    clock.advance(HOUR + 1);
    await postAndSettle('/kept');
    expect(pages.hits.get('/kept')).toBe(3);
    expect(await titleOf(first)).toBe('Kept page, revised');
  });

  it('asks a page that gave no card again after an hour, not before', async () => {
    site.set('/later', 503);
    const first = await postAndSettle('/later');
    expect(await titleOf(first)).toBeNull();
    site.set('/later', 'Back up');
    clock.advance(HOUR - 1);
    await postAndSettle('/later');
    expect(pages.hits.get('/later')).toBe(1);
    expect(await titleOf(first)).toBeNull();
    clock.advance(2);
    await postAndSettle('/later');
    expect(pages.hits.get('/later')).toBe(2);
    expect(await titleOf(first)).toBe('Back up');
  });
});
