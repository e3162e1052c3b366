import { afterEach, describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

// Bounded feeds through the HTTP API: with FEED_MAX_ENTRIES=10 every delivered entry checks its feed (1 in
// FEED_MAX_ENTRIES / 10), so the feed.trim job keeps exactly the newest 10 rows, and pages end at the 10th status.
let t: TestApp;
afterEach(() => t.close());

const BOUND = 10;

interface FeedPage {
  items: { id: string; author: { alias: string } }[];
  nextCursor: string | null;
}

async function start(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp({ FEED_MAX_ENTRIES: String(BOUND), WRITE_RATE_LIMITS: 'off', ...env });
}

const post = async (token: string, text: string): Promise<string> => {
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
};
const follow = async (token: string, alias: string) =>
  expect((await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
const feed = async (token: string, query: string): Promise<FeedPage> => {
  const res = await t.as(token, { method: 'GET', url: `/api/v1/me/feed${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<FeedPage>();
};

/** Every page of the viewer's feed at `limit`, following nextCursor until there is none. */
async function walk(token: string, limit: number): Promise<FeedPage[]> {
  const pages: FeedPage[] = [];
  let cursor: string | null = null;
  do {
    const page = await feed(token, `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 50) throw new Error('the feed does not end');
  } while (cursor !== null);
  return pages;
}

const rows = async (owner: string) => (await t.ctx.store.feeds.page(owner, { limit: 1000 })).map((e) => e.statusId);
const newestFirst = (ids: string[]) => [...ids].sort().reverse();

function metric(metrics: string, line: string): number {
  const escaped = line.replace(/[{}"\\.]/g, (c) => `\\${c}`);
  return Number(metrics.match(new RegExp(`^${escaped} (\\d+)$`, 'm'))?.[1] ?? 0);
}

describe('a feed past FEED_MAX_ENTRIES', () => {
  it('lists the newest FEED_MAX_ENTRIES statuses and ends there; the trim job leaves that many rows', async () => {
    await start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    await follow(bob, 'ann');
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await post(ann, `post ${i}`));
    await t.drain();
    const newest = newestFirst(ids).slice(0, BOUND);
    const pages = await walk(bob, 4);
    expect(pages.map((p) => p.items.length)).toEqual([4, 4, 2]);
    expect(pages.flatMap((p) => p.items.map((s) => s.id))).toEqual(newest);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    // One page at the default size holds the whole feed: no cursor into nothing.
    const whole = await feed(bob, '');
    expect(whole.items.map((s) => s.id)).toEqual(newest);
    expect(whole.nextCursor).toBeNull();
    expect(await rows('bob')).toEqual(newest);
    const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metric(metrics, 'tweeter_feed_entries_trimmed_total')).toBe(25 - BOUND);
    expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="feed.trim",outcome="ok"}')).toBeGreaterThan(0);
    expect(metric(metrics, 'tweeter_job_duration_seconds_count{name="feed.trim",outcome="error"}')).toBe(0);
  });

  it('queues no trim job for a feed within its bound, and trims it once it is past', async () => {
    await start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    await follow(bob, 'ann');
    const trimJobs = async (): Promise<number> => {
      const metrics = (await t.inject({ method: 'GET', url: '/metrics' })).body;
      return metric(metrics, 'tweeter_job_duration_seconds_count{name="feed.trim",outcome="ok"}');
    };
    const ids: string[] = [];
    // Every entry is checked at this bound; a post at a time, so each check sees the feed as it is then.
    for (let i = 0; i < BOUND; i++) {
      ids.push(await post(ann, `post ${i}`));
      await t.drain();
    }
    expect(await rows('bob')).toHaveLength(BOUND);
    // DynamoDB has no FeedRepo.pastBound: there every check still queues its job, which removes nothing.
    if (testShape() === 'sqlite') expect(await trimJobs()).toBe(0);
    for (let i = BOUND; i < BOUND + 3; i++) {
      ids.push(await post(ann, `post ${i}`));
      await t.drain();
    }
    expect(await rows('bob')).toEqual(newestFirst(ids).slice(0, BOUND));
    expect(await trimJobs()).toBeGreaterThan(0);
  });

  it('ends at a page boundary without an empty page, and a cursor at the bound gives an empty last page', async () => {
    await start();
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    await follow(bob, 'ann');
    for (let i = 0; i < 12; i++) await post(ann, `post ${i}`);
    await t.drain();
    const pages = await walk(bob, 5);
    expect(pages.map((p) => p.items.length)).toEqual([5, 5]);
    // A cursor that already counts the bound (crafted, or from before a lower bound) lists nothing, with no error.
    const last = pages[0]?.items.at(-1)?.id ?? '';
    const atBound = Buffer.from(JSON.stringify({ k: last, n: BOUND })).toString('base64url');
    expect(await feed(bob, `?cursor=${atBound}`)).toEqual({ items: [], nextCursor: null });
    const negative = Buffer.from(JSON.stringify({ k: last, n: -1 })).toString('base64url');
    expect((await t.as(bob, { method: 'GET', url: `/api/v1/me/feed?cursor=${negative}` })).statusCode).toBe(400);
  });

  it('bounds a feed merged with a pulled account the same way: the newest FEED_MAX_ENTRIES of both', async () => {
    await start({ FANOUT_PULL_THRESHOLD: '3' });
    const celeb = await t.register('celeb');
    const ann = await t.register('ann');
    const fans: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const fan = await t.register(`fan${i}`);
      await follow(fan, 'celeb');
      fans.push(fan);
    }
    const fan1 = fans[0] ?? '';
    await follow(fan1, 'ann');
    await t.drain();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      ids.push(await post(celeb, `pulled ${i}`));
      ids.push(await post(ann, `pushed ${i}`));
    }
    await t.drain();
    const pages = await walk(fan1, 3);
    const listed = pages.flatMap((p) => p.items.map((s) => s.id));
    expect(listed).toEqual(newestFirst(ids).slice(0, BOUND));
    expect(new Set(pages.flatMap((p) => p.items.map((s) => s.author.alias)))).toEqual(new Set(['celeb', 'ann']));
    expect(pages.at(-1)?.nextCursor).toBeNull();
    // The pushed rows are trimmed to the bound on their own; the pulled statuses have none.
    expect((await rows('fan1')).length).toBe(8);
  });

  it('dead-letters a malformed feed.trim job after its attempts, like every job', async () => {
    await start({ JOB_MAX_ATTEMPTS: '2' });
    await t.ctx.queue.enqueue([{ name: 'feed.trim', payload: { owners: [] } }]);
    await t.drain();
    const dead = await eventually(async () => {
      const listed = await t.ctx.queue.listDead({ limit: 10 });
      return listed.some((d) => d.name === 'feed.trim') && listed;
    });
    expect(dead.find((d) => d.name === 'feed.trim')).toMatchObject({ payload: { owners: [] } });
  });
});
