import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

/** Posts a status (a reply where `inReplyToId` is given) as `token`, expecting 201; its id. */
export async function postStatus(t: TestApp, token: string, text: string, inReplyToId?: string): Promise<string> {
  const payload = inReplyToId === undefined ? { post: text } : { post: text, inReplyToId };
  const res = await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

/** `token` follows `alias`, expecting 200. */
export async function followAs(t: TestApp, token: string, alias: string): Promise<void> {
  expect((await t.as(token, { method: 'PUT', url: `/api/v1/me/followees/${alias}` })).statusCode).toBe(200);
}
