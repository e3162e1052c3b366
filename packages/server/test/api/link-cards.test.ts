import type { Card, Status } from '@tweeter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { ogPage, startPageServer, type PageServer } from '../support/page-server.js';
import { eventually } from '../support/test-app.js';
import { useTestApp } from '../support/use-test-app.js';
import { TestStreamClient } from '../support/ws-client.js';

// Link cards through the API, on either shape (TWEETER_TEST_SHAPE): the card is fetched by the card.fetch job from a
// local page server (loopback allowed for this test only), cached per URL, and pushed as status.updated.
const t = useTestApp({
  env: { CARD_FETCH_ALLOW_LOOPBACK: 'true', WRITE_RATE_LIMITS: 'off' },
  overrides: { gatewayStream: true },
});

let pages: PageServer;
/** Held requests to /held: answered when the test says so. */
const held: (() => void)[] = [];

beforeAll(async () => {
  pages = await startPageServer((req, res) => {
    const path = req.url ?? '/';
    const send = (title: string) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(ogPage({ title, description: `About ${title}`, image: '/pic.png', site: 'Local' }));
    };
    if (path === '/held') held.push(() => send('Held page'));
    else if (path.startsWith('/shared')) send('Shared page');
    else if (path.startsWith('/page')) send(`Page ${path}`);
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }
  });
});

afterAll(() => pages.close());

async function post(token: string, text: string): Promise<Status> {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<Status>();
}

async function cardOf(token: string, id: string): Promise<Card | null> {
  return (await t.as(token, { url: `/api/v1/statuses/${id}` })).json<Status>().card;
}

describe('link cards', () => {
  it('posting never waits for the page; the card arrives over the stream as status.updated, then in reads', async () => {
    const ann = await t.register('ann_cards');
    const bob = await t.register('bob_cards');
    expect((await t.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ann_cards' })).statusCode).toBe(200);
    const stream = await TestStreamClient.open(await t.streamUrl(), bob);
    try {
      expect(await stream.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
      const url = `${pages.url}/held`;
      const status = await post(ann, `look at this ${url} now`);
      // The page has not answered yet, and the post is back: it never waits for the fetch.
      expect(status.card).toBeNull();
      await eventually(async () => held.length === 1);
      expect(await cardOf(ann, status.id)).toBeNull();
      held.shift()?.();
      const updated = await eventually(async () =>
        stream
          .events('status.updated')
          .map((e) => e.data as Status)
          .find((s) => s.id === status.id && s.card !== null),
      );
      const expected: Card = {
        url,
        title: 'Held page',
        description: 'About Held page',
        imageUrl: `${pages.url}/pic.png`,
        siteName: 'Local',
      };
      expect(updated.card).toEqual(expected);
      expect(await cardOf(bob, status.id)).toEqual(expected);
      await eventually(async () => {
        const feed = (await t.as(bob, { url: '/api/v1/me/feed' })).json<{ items: Status[] }>();
        return feed.items.find((s) => s.id === status.id)?.card?.title === 'Held page';
      });
    } finally {
      stream.close();
    }
  });

  it('many statuses with one link fetch it once, and every one shows the card', async () => {
    const many = testShape() === 'aws-local' ? 100 : 1000;
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => t.register(`crowd${i}_cards`)));
    const url = `${pages.url}/shared#frag`; // the fragment is not part of the cache key
    const ids: string[] = [];
    for (let i = 0; i < many; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => post(tokens[(i + j) % 10] ?? '', `${i + j} ${url}`));
      ids.push(...(await Promise.all(batch)).map((s) => s.id));
    }
    await t.drain();
    expect(pages.hits.get('/shared')).toBe(1);
    for (const id of [ids[0], ids[many / 2], ids[many - 1]]) {
      expect((await cardOf(tokens[0] ?? '', id ?? ''))?.title).toBe('Shared page');
    }
    const metrics = (await t.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/tweeter_card_fetches_total\{outcome="fetched"\} [1-9]/);
    expect(metrics).toMatch(/tweeter_card_fetches_total\{outcome="cached"\} [1-9]/);
  });

  it('a page that gives no card leaves card null and is not fetched again for a while (negative cache)', async () => {
    const cy = await t.register('cy_cards');
    const first = await post(cy, `${pages.url}/data.json`);
    await t.drain();
    expect(await cardOf(cy, first.id)).toBeNull();
    const second = await post(cy, `again ${pages.url}/data.json`);
    await t.drain();
    expect(await cardOf(cy, second.id)).toBeNull();
    expect(pages.hits.get('/data.json')).toBe(1);
    expect((await t.inject({ url: '/metrics' })).body).toMatch(/tweeter_card_fetches_total\{outcome="not_html"\} 1/);
  });

  it('only the first URL of a status gets a card, and a status without one has card null', async () => {
    const dee = await t.register('dee_cards');
    const plain = await post(dee, 'no links here');
    const two = await post(dee, `${pages.url}/page-one and ${pages.url}/page-two`);
    await t.drain();
    expect(plain.card).toBeNull();
    expect(await cardOf(dee, plain.id)).toBeNull();
    expect((await cardOf(dee, two.id))?.title).toBe('Page /page-one');
    expect(pages.hits.get('/page-two')).toBeUndefined();
  });
});
