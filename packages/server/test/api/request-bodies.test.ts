import { describe, expect, it } from 'vitest';
import { PNG_1PX } from '../support/test-app.js';
import { useTestApp } from '../support/use-test-app.js';

const t = useTestApp({ env: { BODY_LIMIT_BYTES: '2048' }, overrides: { workers: false } }, { per: 'test' });

const GIF_1PX = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface ErrorJson {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

describe('strict request bodies', () => {
  it('an unknown field is a 400 naming it and the fields allowed', async () => {
    const token = await t.register('ada');
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/boards',
      payload: { name: 'Engines', visibility: 'public', foo: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'body.foo: is not a field of this request (allowed: name, description, visibility, retentionDays)',
        details: [
          {
            path: 'body.foo',
            message: 'is not a field of this request (allowed: name, description, visibility, retentionDays)',
          },
        ],
      },
    });
    // Nothing was created.
    const boards = await t.as(token, { method: 'GET', url: '/api/v1/boards?member=me' });
    expect(boards.json()).toMatchObject({ items: [] });
  });

  it('every unknown field gets its own detail, nested ones too', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        alias: 'ada',
        firstName: 'Ada',
        lastName: 'Lovelace',
        password: 'analytical engine',
        email: 'ada@example.com',
        nick: 'A',
        image: { type: 'image/png', data: PNG_1PX.toString('base64'), name: 'me.png' },
      },
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as ErrorJson).error.details?.map((d) => d.path).sort();
    expect(paths).toEqual(['body.email', 'body.image.name', 'body.nick']);
    expect((await t.inject({ method: 'GET', url: '/api/v1/users/ada' })).statusCode).not.toBe(200);
  });

  it('PATCH /boards/{id} with visibility says it cannot change, and changes nothing', async () => {
    const token = await t.register('ada');
    const board = (
      await t.as(token, { method: 'POST', url: '/api/v1/boards', payload: { name: 'Engines', visibility: 'public' } })
    ).json() as { id: string };
    const res = await t.as(token, {
      method: 'PATCH',
      url: `/api/v1/boards/${board.id}`,
      payload: { name: 'Secret engines', visibility: 'private' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as ErrorJson;
    expect(body.error.details).toEqual([
      {
        path: 'body.visibility',
        message: 'cannot be changed: a board keeps the visibility it was created with; create a new board instead',
      },
    ]);
    const after = (await t.as(token, { method: 'GET', url: `/api/v1/boards/${board.id}` })).json();
    expect(after).toMatchObject({ name: 'Engines', visibility: 'public' });
  });

  it('/openapi.json publishes the same strictness: additionalProperties false, visibility not accepted', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    };
    interface Schema {
      type?: string;
      additionalProperties?: unknown;
      properties?: Record<string, Record<string, unknown>>;
    }
    const body = (path: string, method: string): Schema | undefined =>
      doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
    for (const [path, method] of [
      ['/api/v1/users', 'post'],
      ['/api/v1/sessions', 'post'],
      ['/api/v1/statuses', 'post'],
      ['/api/v1/boards', 'post'],
      ['/api/v1/boards/{id}', 'patch'],
    ] as const) {
      expect(body(path, method), `${method} ${path}`).toMatchObject({ type: 'object', additionalProperties: false });
    }
    expect(body('/api/v1/users', 'post')?.properties?.image).toMatchObject({ additionalProperties: false });
    expect(body('/api/v1/boards/{id}', 'patch')?.properties?.visibility).toMatchObject({
      not: {},
      description: expect.stringMatching(/^cannot be changed/),
    });
  });
});

describe('content types', () => {
  it('a JSON route without Content-Type: 415 saying what to send', async () => {
    const token = await t.register('ada');
    const res = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: '{"post":"hi"}',
      headers: { 'content-type': '' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: {
        code: 'unsupported_media_type',
        message: 'the request has no Content-Type header: send Content-Type: application/json',
      },
    });
  });

  it('text/plain (and an image type) on a JSON route: 415, not a validation error', async () => {
    const token = await t.register('ada');
    for (const type of ['text/plain', 'image/png']) {
      const res = await t.as(token, {
        method: 'POST',
        url: '/api/v1/statuses',
        payload: '{"post":"hi"}',
        headers: { 'content-type': type },
      });
      expect(res.statusCode, type).toBe(415);
      expect((res.json() as ErrorJson).error).toEqual({
        code: 'unsupported_media_type',
        message: `Content-Type ${type} is not accepted here: send Content-Type: application/json`,
      });
    }
    // application/json with a charset is fine.
    const ok = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: '{"post":"hi"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('a GIF avatar: 415 listing the accepted types, whether declared as GIF or as PNG', async () => {
    const token = await t.register('ada');
    const declared = await t.as(token, {
      method: 'PUT',
      url: '/api/v1/me/avatar',
      payload: GIF_1PX,
      headers: { 'content-type': 'image/gif' },
    });
    expect(declared.statusCode).toBe(415);
    expect((declared.json() as ErrorJson).error.message).toBe(
      'Content-Type image/gif is not accepted here: send one of image/png, image/jpeg, image/webp',
    );
    const disguised = await t.as(token, {
      method: 'PUT',
      url: '/api/v1/me/avatar',
      payload: GIF_1PX,
      headers: { 'content-type': 'image/png' },
    });
    expect(disguised.statusCode).toBe(415);
    expect((disguised.json() as ErrorJson).error.message).toBe(
      'the image is a image/gif file: accepted types are image/png, image/jpeg, image/webp',
    );
  });

  it('413 states the limit that applies: BODY_LIMIT_BYTES for JSON, 1 MiB for images', async () => {
    const token = await t.register('ada');
    const json = await t.as(token, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: JSON.stringify({ post: 'x'.repeat(3000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.statusCode).toBe(413);
    expect(json.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: "the request body is larger than this endpoint's limit of 2048 bytes",
      },
    });
    const image = await t.as(token, {
      method: 'PUT',
      url: '/api/v1/me/avatar',
      payload: Buffer.concat([PNG_1PX, Buffer.alloc(1024 * 1024)]),
      headers: { 'content-type': 'image/png' },
    });
    expect(image.statusCode).toBe(413);
    expect((image.json() as ErrorJson).error.message).toBe(
      "the request body is larger than this endpoint's limit of 1048576 bytes",
    );
  });
});
