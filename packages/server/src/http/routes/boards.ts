import {
  AuditEntry,
  Board,
  BoardParams,
  CreateBoardRequest,
  ErrorBody,
  Member,
  MemberParams,
  pageOf,
  PageQuery,
  SetMemberRequest,
  UpdateBoardRequest,
} from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Boards, their members and their audit log (messages are in board-messages.ts). */
export function boardRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'boards'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { boards } = deps.services;

  r.post(
    '/api/v1/boards',
    {
      schema: {
        operationId: 'createBoard',
        tags: ['boards'],
        summary: 'Create a board; I become its owner',
        security: BEARER,
        body: CreateBoardRequest,
        response: { 201: Board, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await boards.create(await deps.auth(req), req.body)),
  );

  r.get(
    '/api/v1/boards',
    {
      schema: {
        operationId: 'listBoards',
        tags: ['boards'],
        summary: 'Boards I can see: public ones and those I am a member of, newest first',
        security: BEARER,
        querystring: PageQuery,
        response: { 200: pageOf(Board) },
      },
    },
    async (req) => boards.list(await deps.auth(req), req.query),
  );

  r.get(
    '/api/v1/boards/:id',
    {
      schema: {
        operationId: 'getBoard',
        tags: ['boards'],
        summary: 'One board',
        security: BEARER,
        params: BoardParams,
        response: { 200: Board, ...errors },
      },
    },
    async (req) => boards.get(await deps.auth(req), req.params.id),
  );

  r.patch(
    '/api/v1/boards/:id',
    {
      schema: {
        operationId: 'updateBoard',
        tags: ['boards'],
        summary: 'Change name, description or retention: the owner only',
        description: 'Fields left out stay as they are; retentionDays: null keeps messages forever.',
        security: BEARER,
        params: BoardParams,
        body: UpdateBoardRequest,
        response: { 200: Board, ...errors },
      },
    },
    async (req) => boards.update(await deps.auth(req), req.params.id, req.body),
  );

  r.get(
    '/api/v1/boards/:id/members',
    {
      schema: {
        operationId: 'listBoardMembers',
        tags: ['boards'],
        summary: 'Members of a board, by alias',
        security: BEARER,
        params: BoardParams,
        querystring: PageQuery,
        response: { 200: pageOf(Member), ...errors },
      },
    },
    async (req) => boards.members(await deps.auth(req), req.params.id, req.query),
  );

  r.put(
    '/api/v1/boards/:id/members/:alias',
    {
      schema: {
        operationId: 'putBoardMember',
        tags: ['boards'],
        summary: 'Add a member or set their role (idempotent)',
        description:
          'The owner and moderators add members; only the owner makes or unmakes moderators; ' +
          'anyone may add themself as a member of a public board.',
        security: BEARER,
        params: MemberParams,
        body: SetMemberRequest,
        response: { 200: Member, ...errors, 409: ErrorBody },
      },
    },
    async (req) => boards.putMember(await deps.auth(req), req.params.id, req.params.alias, req.body.role),
  );

  r.delete(
    '/api/v1/boards/:id/members/:alias',
    {
      schema: {
        operationId: 'deleteBoardMember',
        tags: ['boards'],
        summary: 'Remove a member, or leave (idempotent)',
        description: 'The owner and moderators remove members, only the owner removes moderators; the owner stays.',
        security: BEARER,
        params: MemberParams,
        response: { 204: z.undefined(), ...errors, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      await boards.removeMember(await deps.auth(req), req.params.id, req.params.alias);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/boards/:id/audit',
    {
      schema: {
        operationId: 'listBoardAudit',
        tags: ['boards'],
        summary: 'Moderation log of a board, newest first: the owner only',
        security: BEARER,
        params: BoardParams,
        querystring: PageQuery,
        response: { 200: pageOf(AuditEntry), ...errors },
      },
    },
    async (req) => boards.audit(await deps.auth(req), req.params.id, req.query),
  );
}
