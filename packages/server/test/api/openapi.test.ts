import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConformanceChecker, type OpenApiDoc } from '../support/openapi-conformance.js';
import { runCli } from '../support/server-process.js';
import { useTestApp, useTestApps } from '../support/use-test-app.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface Doc {
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { examples?: unknown[] }>; securitySchemes: Record<string, unknown> };
}

const PUBLIC = ['registerUser', 'createSession', 'getHealth', 'getMeta', 'getMetrics', 'getOpenApi', 'openStream'];

const t = useTestApp();
const apps = useTestApps();
let doc: Doc;
let operations: { method: string; path: string; op: Operation }[];
beforeAll(async () => {
  doc = (await t.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  );
});

describe('the OpenAPI document', () => {
  it('names every operation once, verb first, under a described tag', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.length).toBeGreaterThanOrEqual(38);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(
        /^(get|list|post|put|delete|create|update|register|follow|unfollow|block|unblock|mute|unmute|open)[A-Z]/,
      );
    const tags = new Map(doc.tags.map((tag) => [tag.name, tag.description]));
    for (const { op } of operations) {
      expect(op.tags).toHaveLength(1);
      expect(tags.get(op.tags?.[0] ?? '')).toBeTruthy();
    }
  });

  it('declares security on every operation: none on the public ones, the bearer token on the rest', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { op } of operations) {
      const expected = PUBLIC.includes(op.operationId ?? '') ? [] : [{ bearer: [] }];
      expect(op.security, op.operationId).toEqual(expected);
      if (expected.length) expect(op.responses['401'], op.operationId).toBeDefined();
    }
  });

  it('lists a success for every operation, and 400 (in the error shape) wherever there is input', () => {
    for (const { op } of operations) {
      const codes = Object.keys(op.responses);
      const success = op.operationId === 'openStream' ? ['101'] : codes.filter((c) => /^2/.test(c));
      expect(success.length, op.operationId).toBeGreaterThan(0);
      if (op.parameters?.length || op.requestBody) expect(codes, op.operationId).toContain('400');
      for (const code of codes.filter((c) => /^[45]/.test(c) && c !== '503')) {
        expect(op.responses[code]?.content?.['application/json']?.schema, `${op.operationId} ${code}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
      for (const response of Object.values(op.responses)) expect(response.description).not.toBe('Default Response');
    }
  });

  it('documents the avatar upload as raw image bytes', () => {
    const body = doc.paths['/api/v1/me/avatar']?.put?.requestBody;
    expect(Object.keys(body?.content ?? {})).toEqual(['image/png', 'image/jpeg', 'image/webp']);
    expect(body?.content['image/png']?.schema).toMatchObject({ type: 'string', format: 'binary' });
  });

  it('gives examples on the main objects, each valid against its own schema', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    for (const name of [
      'User',
      'Profile',
      'AuthResponse',
      'Status',
      'Board',
      'Member',
      'Message',
      'Comment',
      'Error',
    ]) {
      const examples = doc.components.schemas[name]?.examples ?? [];
      expect(examples.length, name).toBeGreaterThan(0);
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`);
      for (const example of examples)
        expect(validate?.(example), `${name}: ${ajv.errorsText(validate?.errors)}`).toBe(true);
    }
  });

  it('names this server as the server, or PUBLIC_URL when it is set', async () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const other = await apps.start({ PUBLIC_URL: 'https://tweeter.example/' });
    const served = (await other.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
    expect(served.servers).toEqual([expect.objectContaining({ url: 'https://tweeter.example' })]);
  });
});

describe('tweeter openapi', () => {
  it('prints the document the server serves, without starting one', { timeout: 60_000 }, () => {
    const printed = runCli(['openapi'], { PUBLIC_URL: 'https://tweeter.example' });
    expect(printed.stderr).toBe('');
    expect(printed.status).toBe(0);
    const cli = JSON.parse(printed.stdout) as Doc;
    expect(cli.servers).toEqual([expect.objectContaining({ url: 'https://tweeter.example' })]);
    expect({ ...cli, servers: doc.servers }).toEqual(doc);
  });
});

describe('the response conformance check (run on every response the API tests receive)', () => {
  const json = (statusCode: number, body: unknown) => ({
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
  const profile = {
    alias: 'ada',
    firstName: 'A',
    lastName: 'L',
    imageUrl: null,
    bio: '',
    followerCount: 0,
    followeeCount: 0,
    blockedByMe: false,
    mutedByMe: false,
    blocksMe: false,
  };

  it('passes a documented answer and fails an unlisted status, an extra field or a wrong type', () => {
    const checker = new ConformanceChecker(doc as unknown as OpenApiDoc);
    checker.check('GET', '/api/v1/users/ada?x=1', json(200, { ...profile, followedByMe: false }));
    expect(() => checker.check('GET', '/api/v1/users/ada', json(418, {}))).toThrow(/418 is not listed/);
    expect(() =>
      checker.check('GET', '/api/v1/users/ada', json(200, { ...profile, followedByMe: false, passwordHash: 'x' })),
    ).toThrow(/additional properties/);
    expect(() => checker.check('GET', '/api/v1/me', json(200, { ...profile, followedByMe: 'no' }))).toThrow(
      /followedByMe must be boolean/,
    );
    expect(() => checker.check('GET', '/api/v1/me', json(401, { message: 'no' }))).toThrow(/required property 'error'/);
    expect(() => checker.check('DELETE', '/api/v1/statuses/1', { statusCode: 204, headers: {}, body: 'x' })).toThrow(
      /no body/,
    );
    // Unknown routes answer in the error shape.
    checker.check('GET', '/nowhere', json(404, { error: { code: 'not_found', message: 'no route GET /nowhere' } }));
    expect(() => checker.check('GET', '/nowhere', json(200, {}))).toThrow(/not a documented route/);
  });
});
