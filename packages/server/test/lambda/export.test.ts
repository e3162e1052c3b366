import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createExportHandler, type StreamMetadata } from '../../src/runtimes/lambda/export-handler.js';
import { invocation, restEvent } from '../support/lambda-events.js';
import { useTestApp } from '../support/use-test-app.js';

// The export function's handler over the real app's use cases, fed a REST API event and a response stream that
// records what API Gateway would receive (the metadata first, then the bytes), with a small buffer so that the
// handler meets backpressure.
const t = useTestApp();

function responseStream() {
  const chunks: Buffer[] = [];
  let metadata: StreamMetadata | null = null;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done); // a slow reader: the writer must wait for it
    },
  });
  return {
    sink,
    withMetadata: (stream: Writable, given: StreamMetadata) => {
      metadata = given;
      return stream;
    },
    result: () => ({ metadata, body: Buffer.concat(chunks).toString('utf8') }),
  };
}

describe('the export handler', () => {
  it('streams the document with its metadata for a signed-in user', async () => {
    const token = await t.register('exporter');
    for (let i = 0; i < 30; i++) {
      await t.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: `post ${i} ${'x'.repeat(200)}` } });
    }
    const out = responseStream();
    const handle = createExportHandler(Promise.resolve({ services: t.ctx.services }), out.withMetadata);
    const event = restEvent({
      method: 'GET',
      path: '/api/v1/me/export',
      headers: { authorization: `Bearer ${token}` },
    });
    await handle(event, out.sink, invocation());
    const { metadata, body } = out.result();
    expect(metadata).toMatchObject({
      statusCode: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': expect.stringMatching(/^attachment; filename="tweeter-exporter-/),
      },
    });
    const doc = JSON.parse(body) as { profile: { alias: string }; statuses: unknown[] };
    expect(doc.profile.alias).toBe('exporter');
    expect(doc.statuses).toHaveLength(30);
  });

  it('answers a missing or bad token with 401 in the error shape', async () => {
    for (const headers of [{}, { Authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const out = responseStream();
      const handle = createExportHandler(Promise.resolve({ services: t.ctx.services }), out.withMetadata);
      await handle(restEvent({ method: 'GET', path: '/api/v1/me/export', headers }), out.sink, invocation());
      const { metadata, body } = out.result();
      expect(metadata?.statusCode).toBe(401);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });
});
