import { describe, expect, it } from 'vitest';
import { createApi } from '../src/api/client.js';
import { confirmsAlias, deleteAccount } from '../src/logic/delete-account.js';
import { fakeFetch, RecordingNotifier } from './support.js';

/** A stream that records whether it runs. */
function stream() {
  const s = { running: true, stop: () => (s.running = false), start: () => (s.running = true) };
  return s;
}

function setup(handler: Parameters<typeof fakeFetch>[0]) {
  const net = fakeFetch(handler);
  const api = createApi({ baseUrl: 'http://tweeter.test', getToken: () => 'tok', fetch: net.fetch });
  return { net, api, stream: stream(), notify: new RecordingNotifier() };
}

describe('deleting my account', () => {
  it('takes the alias typed with or without its @, in any case, and nothing else', () => {
    expect(confirmsAlias('ada', 'ada')).toBe(true);
    expect(confirmsAlias(' @Ada ', 'ada')).toBe(true);
    expect(confirmsAlias('ad', 'ada')).toBe(false);
    expect(confirmsAlias('adam', 'ada')).toBe(false);
    expect(confirmsAlias('', 'ada')).toBe(false);
  });

  it('sends the password, and leaves the live stream stopped once the account is gone', async () => {
    const t = setup(() => ({ status: 204 }));
    expect(await deleteAccount(t, 'correct horse')).toEqual({ ok: true, value: null });
    expect(t.net.calls).toMatchObject([{ method: 'DELETE', path: '/api/v1/me', body: { password: 'correct horse' } }]);
    expect(t.stream.running).toBe(false);
  });

  it('says why when refused, and starts the stream again', async () => {
    const t = setup(() => ({
      status: 403,
      body: { error: { code: 'forbidden', message: 'the password is wrong' } },
    }));
    const result = await deleteAccount(t, 'wrong');
    expect(result).toEqual({
      ok: false,
      message: 'Failed to delete the account because of exception: the password is wrong',
    });
    expect(t.notify.texts()).toEqual([result.ok ? '' : result.message]);
    expect(t.stream.running).toBe(true);
  });
});
