import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorBody, LIMITS } from '@tweeter/shared';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type TransformObject = NonNullable<FastifyDynamicSwaggerOptions['transformObject']>;
type OpenApiDocument = ReturnType<TransformObject>;

/** Tags group operations in /docs and in generated clients; every route names one of these. */
export const API_TAGS = [
  { name: 'accounts', description: 'Register, sign in and out, profiles and profile images.' },
  { name: 'follows', description: 'Who follows whom. Following backfills recent statuses into the feed.' },
  {
    name: 'statuses',
    description: 'Posting (with Idempotency-Key), stories, the home feed and fan-out progress.',
  },
  { name: 'reactions', description: 'Like and heart on statuses and board messages: PUT adds, DELETE takes back.' },
  { name: 'comments', description: 'Comments on statuses; deleting keeps a placeholder in place.' },
  {
    name: 'safety',
    description: 'Block and mute: whom I keep away (both ways) and whose statuses leave my feed (they are not told).',
  },
  {
    name: 'search',
    description: 'Status search, hashtag pages and trending hashtags.',
  },
  { name: 'people', description: 'Finding people: search by alias or name, and who to follow.' },
  {
    name: 'notifications',
    description: 'My notifications, grouped on the server, with an exact unread count (live on the stream).',
  },
  { name: 'boards', description: 'Group channels: boards, members and roles, messages and the moderation log.' },
  { name: 'stream', description: 'The live-update WebSocket (frames and close codes are described in docs/api.md).' },
  { name: 'system', description: 'Health, Prometheus metrics and this document.' },
] as const;
export type ApiTag = (typeof API_TAGS)[number]['name'];

/** What each status code means in this API (the response's description in the document). */
const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  '101': 'Switching Protocols: the WebSocket is open',
  '200': 'OK',
  '201': 'Created',
  '204': 'No Content',
  '400': 'validation_failed or bad_json: the request is not valid (details[] says where)',
  '401': 'unauthenticated: no token, an unknown, revoked or expired one, or a wrong alias or password',
  '403': 'forbidden: signed in, but not allowed to do this',
  '404': 'not_found: no such user, status, board, message or comment',
  '409': 'conflict, alias_taken or idempotency_key_reused',
  '413': 'payload_too_large: the body is over its limit',
  '415': 'unsupported_media_type: a content type this operation does not take',
  '429': 'rate_limited: wait for Retry-After seconds; or limit_reached: a count bound (e.g. blocks) is full',
  '500': 'internal: a bug on our side; the message quotes the request id (also in X-Request-Id)',
  '503': 'the server cannot serve this right now',
};

/**
 * Error responses every operation of a kind can give, so no route has to remember them: any operation can fail
 * with 500, or 503 while the server shuts down or its store throttles; one that takes input can answer 400; one
 * with a body can answer 413 and 415; one that needs a token can answer 401. Routes list the errors of their own
 * rules (403, 404, 409, 429 for write budgets, ...).
 */
function withImpliedErrors(schema: FastifySchema & { consumes?: readonly string[] }): FastifySchema {
  const implied: Record<number, typeof ErrorBody> = { 500: ErrorBody, 503: ErrorBody };
  if (schema.body || schema.querystring || schema.params || schema.headers) implied[400] = ErrorBody;
  if (schema.body || schema.consumes) Object.assign(implied, { 413: ErrorBody, 415: ErrorBody });
  if (schema.security?.length) implied[401] = ErrorBody;
  return { ...schema, response: { ...implied, ...(schema.response as object | undefined) } };
}

/** Raw image bodies (PUT /me/avatar) have no zod schema: describe the bytes for each accepted media type. */
function binaryBody(consumes: readonly string[]) {
  const schema = {
    type: 'string',
    format: 'binary',
    description: `the image bytes (checked by their magic number), at most ${LIMITS.imageMaxBytes} bytes (1 MiB)`,
  };
  return { content: Object.fromEntries(consumes.map((type) => [type, { schema }])) };
}

const transform: Transform = (input) => {
  const schema = input.schema as (FastifySchema & { consumes?: string[]; hide?: boolean }) | undefined;
  if (!schema || schema.hide) return jsonSchemaTransform(input);
  const out = jsonSchemaTransform({ ...input, schema: withImpliedErrors(schema) });
  if (schema.consumes && !schema.body) return { ...out, schema: { ...out.schema, body: binaryBody(schema.consumes) } };
  return out;
};

/** Every `$ref` target reachable from the paths (and from the schemas they reach). */
function referencedSchemas(doc: Record<string, unknown>): Set<string> {
  const schemas = ((doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {}) as Record<
    string,
    unknown
  >;
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!seen.has(name)) {
          seen.add(name);
          walk(schemas[name]);
        }
      } else walk(value);
    }
  };
  walk(doc.paths);
  return seen;
}

/**
 * The finished document: zod's components (the type provider emits an input and an output twin of each), then
 * only those an operation reaches, and a description on every response.
 */
const transformObject: TransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as OpenApiDocument & Record<string, unknown>;
  const paths = (doc.paths ?? {}) as Record<
    string,
    Record<string, { responses?: Record<string, { description?: string }> }>
  >;
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      for (const [code, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === 'Default Response') response.description = RESPONSE_DESCRIPTIONS[code] ?? code;
      }
    }
  }
  const used = referencedSchemas(doc);
  const components = doc.components as { schemas?: Record<string, unknown> };
  if (components.schemas) {
    components.schemas = Object.fromEntries(Object.entries(components.schemas).filter(([name]) => used.has(name)));
  }
  return doc;
};

/**
 * `GET /openapi.json`'s document, generated from the routes' zod schemas. `servers` is PUBLIC_URL when set,
 * else this server's own origin ('/'), so "try it" in /docs and generated clients call the right place.
 */
export async function registerOpenApi(app: FastifyInstance, options: { publicUrl: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tweeter API',
        version: '1.0.0',
        description:
          'Statuses and home feeds with asynchronous fan-out, follows, boards, reactions, comments, and a live ' +
          'WebSocket stream (GET /api/v1/stream). Every error has one shape, `{"error": {"code", "message", ' +
          '"details"?}}`, with a stable machine `code`. Lists are pages `{items, nextCursor}`: pass nextCursor ' +
          'back as `?cursor=` until it is null. The narrative guide is docs/api.md in the repository.',
      },
      servers: [
        options.publicUrl
          ? { url: options.publicUrl, description: 'this deployment (PUBLIC_URL)' }
          : { url: '/', description: 'the server this document came from' },
      ],
      tags: API_TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'the opaque session token from register or sign in: `Authorization: Bearer <token>`',
          },
        },
      },
    },
    transform,
    transformObject,
  });
  // Interactive docs at /docs: Swagger UI's files come from the package (no CDN), under a strict CSP.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { deepLinking: true, displayOperationId: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
}
