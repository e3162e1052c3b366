import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import { UnsupportedMediaTypeError } from '../domain/errors.js';

const JSON_TYPE = 'application/json';

/** The media type of a Content-Type header, lower-case and without parameters; undefined when absent. */
function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

type BodySchema = { consumes?: readonly string[]; body?: unknown } | undefined;

/** What a route accepts: its OpenAPI `consumes`, else JSON for a route with a body schema; null for no body. */
function acceptedBy(schema: BodySchema): readonly string[] | null {
  if (schema?.consumes?.length) return schema.consumes;
  return schema?.body === undefined ? null : [JSON_TYPE];
}

function acceptedTypes(req: FastifyRequest): readonly string[] | null {
  return acceptedBy(req.routeOptions.schema as BodySchema);
}

/** The 415 message: what was sent, and exactly what to send instead. */
export function unsupportedMediaTypeMessage(req: FastifyRequest): string {
  const accepted = acceptedTypes(req) ?? [JSON_TYPE];
  const send = accepted.length === 1 ? `send Content-Type: ${accepted[0]}` : `send one of ${accepted.join(', ')}`;
  const sent = mediaType(req.headers['content-type']);
  return sent === undefined
    ? `the request has no Content-Type header: ${send}`
    : `Content-Type ${sent} is not accepted here: ${send}`;
}

/** The 413 message: the limit that applies to this route, in bytes. */
export function payloadTooLargeMessage(req: FastifyRequest): string {
  const limit = req.routeOptions.bodyLimit;
  return `the request body is larger than this endpoint's limit of ${limit} bytes`;
}

/**
 * Each route takes only its declared content types: JSON routes 415 anything but application/json (Fastify's
 * built-in text/plain parser would otherwise hand a string to the body schema), image routes only images.
 */
export function enforceContentTypes(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  // Attached only to the routes that take a body (registered after this), so a GET or a bodiless PUT runs no check.
  app.addHook('onRoute', (route) => {
    const accepted = acceptedBy(route.schema as BodySchema);
    if (accepted === null) return;
    const check: preValidationHookHandler = (req, _reply, done) => {
      const sent = mediaType(req.headers['content-type']);
      // No body at all is left to the body schema ("body: expected object").
      if (sent === undefined && req.body === undefined) return done();
      if (sent === undefined || !accepted.includes(sent)) {
        return done(new UnsupportedMediaTypeError(unsupportedMediaTypeMessage(req)));
      }
      done();
    };
    const own = route.preValidation;
    route.preValidation = own === undefined ? [check] : [check, ...(Array.isArray(own) ? own : [own])];
  });
}
