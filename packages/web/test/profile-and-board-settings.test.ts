import { LIMITS } from '@tweeter/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { PNG_1PX, useTestApp } from '@tweeter/server/test-support';
import { createApi } from '../src/api/client.js';
import { describeAudit, settingsChanges, settingsFields } from '../src/logic/board-settings.js';
import { changePicture, failure, signIn } from '../src/logic/flows.js';
import { SessionStore } from '../src/logic/session.js';
import { memoryStorages, RecordingNotifier } from './support.js';

// Changing my picture and a board's settings, through the app's own flows and API layer, against a real server.
describe('profile picture and board settings against a real server', () => {
  const server = useTestApp();
  let base: string;

  beforeAll(async () => {
    base = await server.listen();
    for (const alias of ['pic_ada', 'own_ada', 'own_bob'])
      await server.register(alias, { firstName: 'Ada', lastName: 'Lovelace', password: 'correct horse' });
  });

  async function signedIn(alias: string) {
    const session = new SessionStore(memoryStorages());
    const notify = new RecordingNotifier();
    const api = createApi({ baseUrl: base, getToken: session.token, onUnauthenticated: () => session.signOut() });
    const deps = { session, notify, api };
    expect(await signIn(deps, alias, 'correct horse', false)).toMatchObject({ ok: true });
    notify.shown.length = 0;
    return deps;
  }

  it('uploads a new picture, which the profile and the session then show', async () => {
    const c = await signedIn('pic_ada');
    expect(c.session.get()?.user.imageUrl).toBeNull();
    const result = await changePicture(c, new Blob([PNG_1PX], { type: 'image/png' }));
    expect(result).toMatchObject({ ok: true, value: { alias: 'pic_ada' } });
    const url = result.ok ? result.value.imageUrl : null;
    // The server re-encodes every picture (JPEG, or WebP when it has transparency), metadata removed.
    expect(url).toMatch(/^\/media\/avatars\/pic_ada-.+\.(jpg|webp)$/);
    expect(c.notify.texts()).toEqual(['Uploading picture...', 'Profile picture updated!']);
    expect(c.notify.dismissed).toEqual([1]);
    expect(c.session.get()?.user.imageUrl).toBe(url);
    expect((await c.api.user('pic_ada')).imageUrl).toBe(url);
    const served = await fetch(`${base}${url}`);
    const bytes = Buffer.from(await served.arrayBuffer());
    const jpeg = bytes.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]));
    const webp =
      bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
    expect(jpeg || webp).toBe(true);
  });

  it('refuses a wrong type or an oversized file before sending, and shows the server refusing a fake PNG', async () => {
    const c = await signedIn('pic_ada');
    const before = (await c.api.me()).imageUrl;
    expect(await changePicture(c, new Blob(['GIF89a'], { type: 'image/gif' }))).toEqual({
      ok: false,
      message: 'The picture must be a PNG, JPEG or WebP image',
    });
    const big = new Blob([new Uint8Array(LIMITS.imageMaxBytes + 1)], { type: 'image/jpeg' });
    expect(await changePicture(c, big)).toEqual({ ok: false, message: 'The picture must be at most 1 MiB' });
    // A PNG by its type but not by its bytes passes the client's check; the server then judges the content.
    const fake = await changePicture(c, new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
    expect(fake.ok).toBe(false);
    expect(c.notify.shown.at(-1)).toMatchObject({ kind: 'error' });
    expect(c.notify.texts().at(-1)).toMatch(/^Failed to change the profile picture because of exception: .+/);
    expect(c.notify.texts()).not.toContain('Profile picture updated!');
    expect((await c.api.me()).imageUrl).toBe(before);
    expect(c.session.get()?.user.imageUrl).toBe(before);
  });

  it('lets the owner rename, describe and set retention, and reads the audit log', async () => {
    const ada = await signedIn('own_ada');
    const board = await ada.api.createBoard({ name: 'Design', description: '', visibility: 'public' });
    expect(board.myRole).toBe('owner');
    await ada.api.setMember(board.id, 'own_bob', 'member');
    await ada.api.setMember(board.id, 'own_bob', 'moderator');
    const { changes, problems } = settingsChanges(board, {
      name: '  Design reviews ',
      description: 'Weekly',
      retentionDays: '30',
    });
    expect(problems).toEqual([]);
    expect(changes).toEqual({ name: 'Design reviews', description: 'Weekly', retentionDays: 30 });
    const saved = await ada.api.updateBoard(board.id, changes);
    expect(saved).toMatchObject({ name: 'Design reviews', description: 'Weekly', retentionDays: 30 });
    expect(settingsChanges(saved, settingsFields(saved)).changes).toEqual({});
    const forever = await ada.api.updateBoard(
      board.id,
      settingsChanges(saved, { ...settingsFields(saved), retentionDays: '' }).changes,
    );
    expect(forever.retentionDays).toBeNull();

    const first = await ada.api.audit(board.id);
    const lines = first.items.map(describeAudit);
    expect(lines).toEqual([
      '@own_ada changed how long messages are kept from 30 days to forever',
      '@own_ada changed how long messages are kept from forever to 30 days',
      '@own_ada made @own_bob a moderator (was member)',
      '@own_ada added @own_bob as member',
    ]);
    expect(first.nextCursor).toBeNull();
  });

  it('pages the audit log by cursor, newest first, without repeats', async () => {
    const ada = await signedIn('own_ada');
    const board = await ada.api.createBoard({ name: 'Busy', visibility: 'public' });
    const steps = LIMITS.pageDefault + 3;
    for (let i = 0; i < steps; i++) await ada.api.setMember(board.id, 'own_bob', i % 2 === 0 ? 'member' : 'moderator');
    const first = await ada.api.audit(board.id);
    expect(first.items).toHaveLength(LIMITS.pageDefault);
    expect(first.nextCursor).not.toBeNull();
    const second = await ada.api.audit(board.id, first.nextCursor);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(all).toHaveLength(steps);
    expect(new Set(all.map((e) => e.id)).size).toBe(steps);
    expect(describeAudit(all.at(-1)!)).toBe('@own_ada added @own_bob as member');
    expect(describeAudit(all[0]!)).toBe(
      steps % 2 === 0
        ? '@own_ada made @own_bob a moderator (was member)'
        : '@own_ada made @own_bob a member (was moderator)',
    );
  });

  it('keeps the server the authority: a moderator is refused with its message', async () => {
    const ada = await signedIn('own_ada');
    const board = await ada.api.createBoard({ name: 'Ops', visibility: 'public' });
    await ada.api.setMember(board.id, 'own_bob', 'moderator');
    const bob = await signedIn('own_bob');
    const seen = await bob.api.board(board.id);
    expect(seen.myRole).toBe('moderator');
    const err = await bob.api.updateBoard(board.id, { name: 'Mine now' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
    expect(failure('save the board settings', err)).toMatch(
      /^Failed to save the board settings because of exception: .+/,
    );
    const log = await bob.api.audit(board.id).catch((e: unknown) => e);
    expect(log).toMatchObject({ status: 403 });
    expect((await ada.api.board(board.id)).name).toBe('Ops');
  });
});
