import {
  AliasParams,
  AuthResponse,
  ErrorBody,
  LIMITS,
  LoginRequest,
  pageOf,
  PageQuery,
  Profile,
  RegisterRequest,
  User,
} from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, bearerToken, type Authenticate } from '../auth.js';

// A base64 image of 1 MiB plus the other fields.
const REGISTER_BODY_LIMIT = Math.ceil((LIMITS.imageMaxBytes * 4) / 3) + 16 * 1024;
// 400, 401 (token routes), 413, 415 and 500 are implied by each operation's inputs (see ../openapi.ts).

/** Register, login, logout, profiles and follower lists. */
export function accountRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'users' | 'sessions' | 'follows'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { users, sessions, follows } = deps.services;

  r.post(
    '/api/v1/users',
    {
      bodyLimit: REGISTER_BODY_LIMIT,
      schema: {
        operationId: 'registerUser',
        tags: ['accounts'],
        summary: 'Register a new account (and sign in)',
        security: [],
        body: RegisterRequest,
        response: { 201: AuthResponse, 409: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => reply.status(201).send(await users.register(req.body, req.ip)),
  );

  r.post(
    '/api/v1/sessions',
    {
      schema: {
        operationId: 'createSession',
        tags: ['accounts'],
        summary: 'Sign in',
        security: [],
        body: LoginRequest,
        response: { 201: AuthResponse, 401: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => reply.status(201).send(await sessions.login(req.body, req.ip)),
  );

  r.delete(
    '/api/v1/sessions/current',
    {
      schema: {
        operationId: 'deleteCurrentSession',
        tags: ['accounts'],
        summary: 'Sign out: the token stops working',
        security: BEARER,
        response: { 204: z.undefined() },
      },
    },
    async (req, reply) => {
      await deps.auth(req);
      await sessions.logout(bearerToken(req) ?? '');
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/me',
    {
      schema: {
        operationId: 'getMe',
        tags: ['accounts'],
        summary: 'My profile',
        security: BEARER,
        response: { 200: Profile },
      },
    },
    async (req) => {
      const me = await deps.auth(req);
      return users.profile(me, me);
    },
  );

  r.get(
    '/api/v1/users/:alias',
    {
      schema: {
        operationId: 'getUser',
        tags: ['accounts'],
        summary: 'A profile',
        security: BEARER,
        params: AliasParams,
        response: { 200: Profile, 404: ErrorBody },
      },
    },
    async (req) => users.profile(await deps.auth(req), req.params.alias),
  );

  const UserPage = pageOf(User);
  const lists = [
    ['followers', 'listFollowers', 'Users who follow alias, by alias'],
    ['followees', 'listFollowees', 'Users alias follows, by alias'],
  ] as const;
  for (const [list, operationId, summary] of lists) {
    r.get(
      `/api/v1/users/:alias/${list}`,
      {
        schema: {
          operationId,
          tags: ['follows'],
          summary,
          security: BEARER,
          params: AliasParams,
          querystring: PageQuery,
          response: { 200: UserPage, 404: ErrorBody },
        },
      },
      async (req) => {
        await deps.auth(req);
        return follows[list](req.params.alias, req.query);
      },
    );
  }

  r.put(
    '/api/v1/me/followees/:alias',
    {
      schema: {
        operationId: 'followUser',
        tags: ['follows'],
        summary: 'Follow alias (idempotent); 403 across a block',
        security: BEARER,
        params: AliasParams,
        response: { 200: Profile, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (req) => follows.follow(await deps.auth(req), req.params.alias),
  );

  r.delete(
    '/api/v1/me/followees/:alias',
    {
      schema: {
        operationId: 'unfollowUser',
        tags: ['follows'],
        summary: 'Unfollow alias (idempotent)',
        security: BEARER,
        params: AliasParams,
        response: { 200: Profile, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (req) => follows.unfollow(await deps.auth(req), req.params.alias),
  );
}
