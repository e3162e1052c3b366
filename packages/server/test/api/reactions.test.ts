import type { Message, Page, Reactions, Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { RecordingRealtime, socialApi } from '../support/social.js';
import { useTestApp } from '../support/use-test-app.js';

let realtime: RecordingRealtime;
const t = useTestApp(
  () => {
    realtime = new RecordingRealtime();
    return { overrides: { realtime } };
  },
  { per: 'test' },
);
const api = socialApi(t);

const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

const postStatus = async (token: string, text: string): Promise<Status> =>
  (await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } })).json();
const getJson = async <T>(token: string, url: string): Promise<T> => (await t.as(token, { method: 'GET', url })).json();

async function manyUsers(count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => t.register(`user${String(i).padStart(2, '0')}`)));
}

describe('reactions on statuses', () => {
  it('PUT and DELETE are idempotent, once per user and kind', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const s = await postStatus(ann, 'react to me');
    const put = async (token: string, kind: string) => api.reactionsOf(await api.reactStatus(token, s.id, kind));
    const del = async (token: string, kind: string) =>
      api.reactionsOf(await api.reactStatus(token, s.id, kind, 'DELETE'));
    expect(await put(bob, 'like')).toEqual({ like: 1, heart: 0, mine: ['like'] });
    expect(await put(bob, 'like')).toEqual({ like: 1, heart: 0, mine: ['like'] });
    expect(await put(bob, 'heart')).toEqual({ like: 1, heart: 1, mine: ['like', 'heart'] });
    expect(await put(ann, 'heart')).toEqual({ like: 1, heart: 2, mine: ['heart'] });
    expect(await del(bob, 'like')).toEqual({ like: 0, heart: 2, mine: ['heart'] });
    expect(await del(bob, 'like')).toEqual({ like: 0, heart: 2, mine: ['heart'] });
    // Real changes are pushed to the status's author, the newest counts last: a change within the push window of
    // the one before it (LIVE_PUSH_WINDOW_MS) goes when the window ends, in place of the older one.
    await expect
      .poll(() => realtime.ofType('reactions.updated').at(-1)?.event)
      .toEqual({
        type: 'reactions.updated',
        channel: 'feed',
        data: { target: 'status', id: s.id, reactions: { like: 0, heart: 2 } },
      });
    const pushed = realtime.ofType('reactions.updated');
    expect(pushed.length).toBeGreaterThanOrEqual(1);
    expect(pushed.length).toBeLessThanOrEqual(4);
    for (const p of pushed) expect(p.to).toEqual(['ann']);
  });

  it('an unknown kind is 400 and an unknown status 404, writing nothing', async () => {
    const ann = await t.register('ann');
    const s = await postStatus(ann, 'hi');
    for (const kind of ['boo', 'LIKE', 'likes']) {
      const res = await api.reactStatus(ann, s.id, kind);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe('params.kind');
    }
    expect((await api.reactStatus(ann, UNKNOWN, 'like')).statusCode).toBe(404);
    expect((await api.reactStatus(ann, UNKNOWN, 'like', 'DELETE')).statusCode).toBe(404);
    expect((await getJson<Status>(ann, `/api/v1/statuses/${s.id}`)).reactions).toEqual({ like: 0, heart: 0, mine: [] });
  });

  it('50 users reacting in one burst of requests give exact counts', async () => {
    const ann = await t.register('ann');
    const s = await postStatus(ann, 'popular');
    const tokens = await manyUsers(50);
    const results = await Promise.all(tokens.map((tk) => api.reactStatus(tk, s.id, 'like')));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect((await getJson<Status>(ann, `/api/v1/statuses/${s.id}`)).reactions).toEqual({
      like: 50,
      heart: 0,
      mine: [],
    });
    // half take it back while the others repeat theirs, all at once
    await Promise.all(tokens.map((tk, i) => api.reactStatus(tk, s.id, 'like', i % 2 === 0 ? 'DELETE' : 'PUT')));
    expect((await getJson<Status>(ann, `/api/v1/statuses/${s.id}`)).reactions.like).toBe(25);
  });

  it('mine is right for each viewer in the feed, the story and GET status; counts are never stale', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    for (const tk of [bob, cat]) await t.as(tk, { method: 'PUT', url: '/api/v1/me/followees/ann' });
    await t.drain();
    const s = await postStatus(ann, 'hello');
    await t.drain();
    expect((await getJson<Status>(bob, `/api/v1/statuses/${s.id}`)).reactions).toEqual({ like: 0, heart: 0, mine: [] });
    await api.reactStatus(bob, s.id, 'like');
    await api.reactStatus(cat, s.id, 'heart');
    const views: [string, string, Reactions][] = [
      [bob, '/api/v1/me/feed', { like: 1, heart: 1, mine: ['like'] }],
      [cat, '/api/v1/me/feed', { like: 1, heart: 1, mine: ['heart'] }],
      [bob, '/api/v1/users/ann/story', { like: 1, heart: 1, mine: ['like'] }],
      [ann, '/api/v1/users/ann/story', { like: 1, heart: 1, mine: [] }],
    ];
    for (const [token, url, expected] of views) {
      const page = await getJson<Page<Status>>(token, url);
      expect(page.items[0]?.reactions, url).toEqual(expected);
    }
    expect((await getJson<Status>(cat, `/api/v1/statuses/${s.id}`)).reactions.mine).toEqual(['heart']);
    await api.reactStatus(bob, s.id, 'like', 'DELETE');
    expect((await getJson<Page<Status>>(cat, '/api/v1/me/feed')).items[0]?.reactions).toEqual({
      like: 0,
      heart: 1,
      mine: ['heart'],
    });
  });
});

describe('reactions on board messages', () => {
  it('members react; non-members cannot; mine is per viewer in the message list; changes go live', async () => {
    const ann = await t.register('ann');
    const bob = await t.register('bob');
    const cat = await t.register('cat');
    const b = await api.createBoard(ann);
    await api.putMember(bob, b.id, 'bob');
    const m = await api.postOk(ann, b.id, 'react here');
    expect((await api.reactMessage(cat, b.id, m.id, 'like')).statusCode).toBe(403); // not a member
    expect(api.reactionsOf(await api.reactMessage(bob, b.id, m.id, 'like'))).toEqual({
      like: 1,
      heart: 0,
      mine: ['like'],
    });
    expect(api.reactionsOf(await api.reactMessage(bob, b.id, m.id, 'like'))).toEqual({
      like: 1,
      heart: 0,
      mine: ['like'],
    });
    expect(api.reactionsOf(await api.reactMessage(ann, b.id, m.id, 'heart'))).toEqual({
      like: 1,
      heart: 1,
      mine: ['heart'],
    });
    const view = async (token: string) => (await api.messagesOk(token, b.id)).items[0]?.reactions;
    expect(await view(bob)).toEqual({ like: 1, heart: 1, mine: ['like'] });
    expect(await view(ann)).toEqual({ like: 1, heart: 1, mine: ['heart'] });
    expect(await view(cat)).toEqual({ like: 1, heart: 1, mine: [] });
    expect(api.reactionsOf(await api.reactMessage(bob, b.id, m.id, 'like', 'DELETE'))).toEqual({
      like: 0,
      heart: 1,
      mine: [],
    });
    expect(realtime.ofType('reactions.updated').map((e) => e.event)).toEqual([
      {
        type: 'reactions.updated',
        channel: `board:${b.id}`,
        data: { target: 'message', id: m.id, boardId: b.id, reactions: { like: 1, heart: 0 } },
      },
      {
        type: 'reactions.updated',
        channel: `board:${b.id}`,
        data: { target: 'message', id: m.id, boardId: b.id, reactions: { like: 1, heart: 1 } },
      },
      {
        type: 'reactions.updated',
        channel: `board:${b.id}`,
        data: { target: 'message', id: m.id, boardId: b.id, reactions: { like: 0, heart: 1 } },
      },
    ]);
  });

  it('50 members reacting twice each in one burst of requests give exact counts', async () => {
    const ann = await t.register('ann');
    const b = await api.createBoard(ann);
    const m = await api.postOk(ann, b.id, 'popular');
    const tokens = await manyUsers(50);
    await Promise.all(tokens.map((tk, i) => api.putMember(tk, b.id, `user${String(i).padStart(2, '0')}`)));
    const results = await Promise.all(
      tokens.flatMap((tk) => [api.reactMessage(tk, b.id, m.id, 'heart'), api.reactMessage(tk, b.id, m.id, 'heart')]),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect((await api.messagesOk(ann, b.id)).items[0]?.reactions).toEqual({ like: 0, heart: 50, mine: [] });
    expect((await api.getBoard(ann, b.id)).json()).toMatchObject({ memberCount: 51 });
  });

  it('bad kinds are 400, unknown messages 404, and a deleted message takes no new reactions (409)', async () => {
    const ann = await t.register('ann');
    const b = await api.createBoard(ann);
    const m = await api.postOk(ann, b.id, 'soon gone');
    await api.reactMessage(ann, b.id, m.id, 'like');
    expect((await api.reactMessage(ann, b.id, m.id, 'boo')).statusCode).toBe(400);
    expect((await api.reactMessage(ann, b.id, UNKNOWN, 'like')).statusCode).toBe(404);
    expect((await api.reactMessage(ann, UNKNOWN, m.id, 'like')).statusCode).toBe(404);
    await api.deleteMessage(ann, b.id, m.id);
    expect((await api.reactMessage(ann, b.id, m.id, 'heart')).statusCode).toBe(409);
    expect(api.reactionsOf(await api.reactMessage(ann, b.id, m.id, 'like', 'DELETE'))).toEqual({
      like: 0,
      heart: 0,
      mine: [],
    });
    const placeholder = (await api.messagesOk(ann, b.id)).items[0] as Message;
    expect(placeholder).toMatchObject({ deleted: true, reactions: { like: 0, heart: 0, mine: [] } });
  });
});
