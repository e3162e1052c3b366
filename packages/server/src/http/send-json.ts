import type { FastifyReply } from 'fastify';

/**
 * Sends JSON already rendered to bytes (a feed page, a thread's context), with the type a serialized object gets.
 * The route's response schema types `send` as the object, which the bytes stand for; the conformance check of the
 * tests validates the body itself.
 */
export function sendJsonBytes(reply: FastifyReply, json: Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
