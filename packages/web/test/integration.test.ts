import { LIMITS } from '@tweeter/shared';
import { WebSocket } from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, useTestApp } from '@tweeter/server/test-support';
import { createApi } from '../src/api/client.js';
import { PostingFlow, signIn } from '../src/logic/flows.js';
import { SessionStore } from '../src/logic/session.js';
import { StreamClient, type WebSocketLike } from '../src/logic/stream.js';
import { memoryStorages, RecordingNotifier } from './support.js';

// The course's integration test: the app's own client and posting flow against a real server
// (in-process, listening on 127.0.0.1, temporary DATA_DIR).
describe('the web client against a real server', () => {
  const server = useTestApp();
  let base: string;

  beforeAll(async () => {
    base = await server.listen();
    await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: 'correct horse' });
  });

  function client() {
    const session = new SessionStore(memoryStorages());
    const notify = new RecordingNotifier();
    const api = createApi({ baseUrl: base, getToken: session.token, onUnauthenticated: () => session.signOut() });
    return { session, notify, api };
  }

  it('signs in, posts through the posting flow, and finds the post first in the story', async () => {
    const c = client();
    expect(await signIn(c, 'ada', 'correct horse', false)).toMatchObject({ ok: true });
    const before = Date.now();
    const result = await new PostingFlow(c).post('Hello from the integration test');
    expect(result.ok).toBe(true);
    expect(c.notify.texts()).toEqual(['Posting status...', 'Status posted!']);

    const story = await c.api.story('ada');
    const first = story.items[0];
    expect(first?.post).toBe('Hello from the integration test');
    expect(first?.author).toMatchObject({ alias: 'ada', firstName: 'Ada', lastName: 'Lovelace' });
    const at = Date.parse(first?.createdAt ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("shows the server's own message when it refuses a post, and says nothing was posted", async () => {
    const c = client();
    await signIn(c, 'ada', 'correct horse', false);
    const result = await new PostingFlow(c).post('x'.repeat(LIMITS.postMax + 1));
    expect(result).toEqual({
      ok: false,
      message: 'Failed to post the status because of exception: body.post: must be 1 to 280 characters',
    });
    expect(c.notify.texts()).not.toContain('Status posted!');
  });

  it('gets the stream URL from /meta, receives a followed post live, and hears of a sign-out (4401)', async () => {
    await server.register('bob', { password: 'correct horse' });
    const bob = client();
    await signIn(bob, 'bob', 'correct horse', false);
    await bob.api.follow('ada');
    const meta = await bob.api.meta();
    expect(meta.streamUrl).toBe(`${base.replace('http', 'ws')}/api/v1/stream`);

    const stream = new StreamClient({
      url: async () => meta.streamUrl,
      token: bob.session.token,
      connect: (url) => new WebSocket(url) as unknown as WebSocketLike,
    });
    const events: unknown[] = [];
    let synced = 0;
    let unauthenticated = false;
    stream.subscribe('feed');
    stream.onEvent((e) => events.push(e));
    stream.onSync(() => synced++);
    stream.onUnauthenticated(() => (unauthenticated = true));
    stream.start();
    await eventually(async () => stream.status.get() === 'live');
    expect(synced).toBe(1);

    const ada = client();
    await signIn(ada, 'ada', 'correct horse', false);
    const posted = await new PostingFlow(ada).post('live to bob');
    expect(posted.ok).toBe(true);
    const event = await eventually(async () => events.find((e) => (e as { type: string }).type === 'feed.status'));
    expect(event).toMatchObject({ channel: 'feed', data: { post: 'live to bob', author: { alias: 'ada' } } });

    await bob.api.logout();
    await eventually(async () => unauthenticated);
    expect(stream.status.get()).toBe('idle');
  });
});
