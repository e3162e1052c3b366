import type { Message } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { RETENTION_GRACE_MS } from '../../src/jobs/board-retention.js';
import { ManualClock } from '../support/manual-clock.js';
import { RecordingRealtime, socialApi } from '../support/social.js';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp;
let api: ReturnType<typeof socialApi>;
let realtime: RecordingRealtime;

const DAY = 86_400_000;
const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

type Tokens = Record<'ann' | 'bob' | 'cat' | 'dan', string>;

async function start(clock?: ManualClock): Promise<Tokens> {
  realtime = new RecordingRealtime();
  t = await apps.start({}, { realtime, ...(clock ? { clock } : {}) });
  api = socialApi(t);
  const [ann, bob, cat, dan] = [
    await t.register('ann'),
    await t.register('bob'),
    await t.register('cat'),
    await t.register('dan'),
  ];
  return { ann, bob, cat, dan };
}

const ids = (messages: Message[]) => messages.map((m) => m.id);

describe('posting', () => {
  it('members post; non-members cannot, on public or private boards; the post goes live to the board', async () => {
    const { ann, bob, cat } = await start();
    const open = await api.createBoard(ann);
    const closed = await api.createBoard(ann, { visibility: 'private' });
    await api.putMember(bob, open.id, 'bob');
    const res = await api.post(bob, open.id, '  hello  ', ' news ');
    expect(res.statusCode).toBe(201);
    const message = res.json<Message>();
    expect(message).toEqual({
      id: expect.any(String),
      boardId: open.id,
      author: expect.objectContaining({ alias: 'bob' }),
      topic: 'news',
      text: 'hello',
      createdAt: expect.any(String),
      reactions: { like: 0, heart: 0, mine: [] },
      deleted: false,
    });
    expect((await api.post(cat, open.id, 'hi')).statusCode).toBe(403);
    expect((await api.post(cat, closed.id, 'hi')).statusCode).toBe(403);
    expect((await api.messages(cat, closed.id)).statusCode).toBe(403);
    expect(ids((await api.messagesOk(cat, open.id)).items)).toEqual([message.id]); // public: readable
    expect(realtime.ofType('message.created')).toEqual([
      { to: null, event: { type: 'message.created', channel: `board:${open.id}`, data: message } },
    ]);
  });

  it.each([
    [{ text: '' }, 'body.text'],
    [{ text: '   ' }, 'body.text'],
    [{ text: 'x'.repeat(2001) }, 'body.text'],
    [{ text: 'ok', topic: '' }, 'body.topic'],
    [{ text: 'ok', topic: 't'.repeat(51) }, 'body.topic'],
    [{ text: 5 }, 'body.text'],
  ])('rejects %j with 400 and writes nothing', async (payload, path) => {
    const { ann } = await start();
    const b = await api.createBoard(ann);
    const res = await t.as(ann, { method: 'POST', url: `/api/v1/boards/${b.id}/messages`, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe(path);
    expect((await api.messagesOk(ann, b.id)).items).toEqual([]);
  });

  it('allows 2,000 code points and no topic', async () => {
    const { ann } = await start();
    const b = await api.createBoard(ann);
    const m = await api.postOk(ann, b.id, '🙂'.repeat(2000));
    expect(m.topic).toBeNull();
  });
});

describe('reading', () => {
  it('pages newest first with before, across 3+ pages, with no repeats or gaps while others post', async () => {
    const { ann } = await start();
    const b = await api.createBoard(ann);
    const posted: string[] = [];
    for (let i = 0; i < 7; i++) posted.push((await api.postOk(ann, b.id, `m${i}`)).id);
    const seen: string[] = [];
    let before: string | null = '';
    let pages = 0;
    while (before !== null) {
      const page = await api.messagesOk(ann, b.id, `?limit=2${before ? `&before=${before}` : ''}`);
      seen.push(...ids(page.items));
      before = page.nextCursor;
      await api.postOk(ann, b.id, `newer ${pages}`); // new posts do not shift older pages
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual([...posted].reverse());
    // `cursor` is the same as `before`, for generic page walkers
    const first = await api.messagesOk(ann, b.id, '?limit=3');
    const viaCursor = await api.messagesOk(ann, b.id, `?limit=3&cursor=${first.nextCursor}`);
    const viaBefore = await api.messagesOk(ann, b.id, `?limit=3&before=${first.nextCursor}`);
    expect(viaCursor).toEqual(viaBefore);
  });

  it('polls with after: oldest first, each message exactly once, though posts land between polls', async () => {
    const { ann, bob } = await start();
    const b = await api.createBoard(ann);
    await api.putMember(bob, b.id, 'bob');
    const posted: string[] = [(await api.postOk(ann, b.id, 'first')).id];
    let after = posted[0] ?? '';
    const received: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < round; i++) posted.push((await api.postOk(i % 2 ? ann : bob, b.id, `r${round}.${i}`)).id);
      const page = await api.messagesOk(bob, b.id, `?after=${after}&limit=2`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(ids(page.items)).toEqual([...ids(page.items)].sort()); // oldest first
      received.push(...ids(page.items));
      expect(page.nextCursor).not.toBeNull();
      after = page.nextCursor ?? '';
    }
    for (;;) {
      const page = await api.messagesOk(bob, b.id, `?after=${after}&limit=2`);
      if (page.items.length === 0) {
        expect(page.nextCursor).toBe(after); // nothing new: poll again from the same place
        break;
      }
      received.push(...ids(page.items));
      after = page.nextCursor ?? '';
    }
    expect(received).toEqual(posted.slice(1));
  });

  it('rejects bad positions with 400', async () => {
    const { ann } = await start();
    const b = await api.createBoard(ann);
    const m = await api.postOk(ann, b.id, 'x');
    for (const query of [
      `?before=${m.id}&after=${m.id}`,
      `?cursor=${m.id}&before=${m.id}`,
      '?after=nope',
      '?before=1',
    ]) {
      expect((await api.messages(ann, b.id, query)).statusCode, query).toBe(400);
    }
  });
});

describe('deleting', () => {
  it('author, moderator and owner may delete; other members may not; a placeholder keeps its place', async () => {
    const { ann, bob, cat, dan } = await start();
    const b = await api.createBoard(ann);
    for (const a of ['bob', 'cat', 'dan']) await api.putMember(ann, b.id, a);
    await api.putMember(ann, b.id, 'dan', 'moderator');
    const [m1, m2, m3, m4] = [
      await api.postOk(cat, b.id, 'by cat', 'topic'),
      await api.postOk(cat, b.id, 'by cat again'),
      await api.postOk(bob, b.id, 'by bob'),
      await api.postOk(bob, b.id, 'by bob again'),
    ];
    if (!m1 || !m2 || !m3 || !m4) throw new Error('posting failed');
    const del = (token: string, id: string) => api.deleteMessage(token, b.id, id);
    expect((await del(bob, m1.id)).statusCode).toBe(403);
    expect((await del(cat, m1.id)).statusCode).toBe(204);
    expect((await del(cat, m1.id)).statusCode).toBe(204); // idempotent
    expect((await del(dan, m2.id)).statusCode).toBe(204);
    expect((await del(ann, m3.id)).statusCode).toBe(204);
    expect((await del(bob, UNKNOWN)).statusCode).toBe(404);
    const page = await api.messagesOk(bob, b.id);
    expect(ids(page.items)).toEqual([m4.id, m3.id, m2.id, m1.id]);
    expect(page.items[3]).toMatchObject({ id: m1.id, text: '', topic: null, deleted: true, author: m1.author });
    expect(page.items.map((m) => m.deleted)).toEqual([false, true, true, true]);
    const deleted = realtime.ofType('message.deleted').map((e) => (e.event.data as Message).id);
    expect(deleted).toEqual([m1.id, m2.id, m3.id]); // once each
  });
});

describe('retention', () => {
  it('hides expired messages at once and the retention job purges them', async () => {
    const clock = new ManualClock(Date.now());
    const { ann, bob } = await start(clock);
    const b = await api.createBoard(ann, { retentionDays: 1 });
    const keep = await api.createBoard(ann);
    await api.putMember(bob, b.id, 'bob');
    const old = await api.postOk(ann, b.id, 'old');
    await api.reactMessage(bob, b.id, old.id, 'like');
    const forever = await api.postOk(ann, keep.id, 'kept');
    clock.advance(DAY / 2);
    const recent = await api.postOk(ann, b.id, 'recent');
    expect(ids((await api.messagesOk(bob, b.id)).items)).toEqual([recent.id, old.id]);

    clock.advance(DAY / 2 + 60_000); // old is now past one day; recent is not
    expect(ids((await api.messagesOk(bob, b.id)).items)).toEqual([recent.id]);
    expect(ids((await api.messagesOk(bob, b.id, `?after=${UNKNOWN}`)).items)).toEqual([recent.id]);
    expect((await api.deleteMessage(ann, b.id, old.id)).statusCode).toBe(404);
    expect((await api.reactMessage(bob, b.id, old.id, 'heart')).statusCode).toBe(404);
    expect(await t.ctx.store.messages.get(b.id, old.id)).not.toBeNull(); // hidden, not yet purged

    // Kept for a grace period past expiry, so a reaction accepted just before it lands before the purge.
    await t.ctx.scheduler.runNow();
    await t.drain();
    expect(await t.ctx.store.messages.get(b.id, old.id)).not.toBeNull();
    clock.advance(RETENTION_GRACE_MS);
    await t.ctx.scheduler.runNow();
    await t.drain();
    expect(await t.ctx.store.messages.get(b.id, old.id)).toBeNull();
    expect(await t.ctx.store.messages.get(b.id, recent.id)).not.toBeNull();
    expect((await t.ctx.store.reactions.counts('message', [old.id])).size).toBe(0);
    expect(ids((await api.messagesOk(ann, keep.id)).items)).toEqual([forever.id]);
  });

  it('a shorter retention set later hides older messages at once', async () => {
    const clock = new ManualClock(Date.now());
    const { ann } = await start(clock);
    const b = await api.createBoard(ann);
    const m = await api.postOk(ann, b.id, 'three days old soon');
    clock.advance(3 * DAY);
    expect(ids((await api.messagesOk(ann, b.id)).items)).toEqual([m.id]);
    await t.as(ann, { method: 'PATCH', url: `/api/v1/boards/${b.id}`, payload: { retentionDays: 2 } });
    expect((await api.messagesOk(ann, b.id)).items).toEqual([]);
  });
});
