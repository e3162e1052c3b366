import { describe, expect, it } from 'vitest';
import type { StatusRecord, UserRecord } from '../src/ports/store.js';
import { JsonBytes } from '../src/services/json-bytes.js';
import { StatusBytes } from '../src/services/status-bytes.js';

// The feed's cached bytes: rendered once per version of a status and its author, rendered again after any change.

const user = (firstName: string): UserRecord => ({
  alias: 'ann',
  firstName,
  lastName: 'Lee',
  passwordHash: 'x',
  imageKey: null,
  createdAt: 0,
  followerCount: 0,
  followeeCount: 0,
});
const status = (post: string): StatusRecord => ({ id: 's1', author: 'ann', post, segments: [], createdAt: 0 });
const render = (r: StatusRecord, a: UserRecord) => () => JSON.stringify({ id: r.id, by: a.firstName, post: r.post });

describe('StatusBytes', () => {
  it('renders a status once while its record and author are the same objects', () => {
    const bytes = new StatusBytes();
    const [r, a] = [status('hi'), user('Ann')];
    let renders = 0;
    const make = () => (renders++, render(r, a)());
    const first = bytes.head(r, a, make);
    expect(bytes.head(r, a, make)).toBe(first);
    expect(renders).toBe(1);
    expect(first.toString()).toBe('{"id":"s1","by":"Ann","post":"hi"}');
  });

  it('renders again for a new version: the author re-read after a profile change, the status re-read, or forgotten', () => {
    const bytes = new StatusBytes();
    const r = status('hi');
    bytes.head(r, user('Ann'), render(r, user('Ann')));
    const renamed = user('Annie');
    expect(bytes.head(r, renamed, render(r, renamed)).toString()).toContain('"by":"Annie"');
    const edited = status('hello');
    expect(bytes.head(edited, renamed, render(edited, renamed)).toString()).toContain('"post":"hello"');
    const kept = bytes.head(edited, renamed, () => 'never');
    bytes.forget('s1');
    expect(bytes.head(edited, renamed, () => '{"gone":1}').toString()).toBe('{"gone":1}');
    expect(kept.toString()).toContain('"post":"hello"');
  });
});

describe('JsonBytes', () => {
  it('joins bytes and strings, multi-byte text included, into exactly their UTF-8 bytes', () => {
    const body = new JsonBytes()
      .push('{"a":[')
      .push(Buffer.from('"é 中文 🎉"'))
      .push(',"\u2028 ñ"')
      .push(Buffer.alloc(0))
      .push(']}');
    const out = body.toBuffer();
    expect(out.toString()).toBe('{"a":["é 中文 🎉","\u2028 ñ"]}');
    expect(out.length).toBe(Buffer.byteLength('{"a":["é 中文 🎉","\u2028 ñ"]}'));
    expect(JSON.parse(out.toString())).toEqual({ a: ['é 中文 🎉', '\u2028 ñ'] });
  });
});
