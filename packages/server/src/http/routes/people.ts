import { ErrorBody, pageOf, PageQuery, PeopleSearchQuery, Profile } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services/use-cases.js';
import { BEARER, type Authenticate } from '../auth.js';

/** People search and suggestions: GET /search/users, GET /me/suggestions. */
export function peopleRoutes(
  app: FastifyInstance,
  deps: { services: Pick<Services, 'peopleSearch' | 'suggestions'>; auth: Authenticate },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ProfilePage = pageOf(Profile);
  r.get(
    '/api/v1/search/users',
    {
      schema: {
        operationId: 'listUsersMatching',
        tags: ['people'],
        summary:
          'People whose alias, first or last name starts with the words of q (case- and accent-insensitive), ' +
          'best match first: exact alias, alias prefix, names; then by followers. Accounts blocked either way never appear',
        security: BEARER,
        querystring: PeopleSearchQuery,
        response: { 200: ProfilePage, 400: ErrorBody },
      },
    },
    async (req) => deps.services.peopleSearch.search(await deps.auth(req), req.query),
  );
  r.get(
    '/api/v1/me/suggestions',
    {
      schema: {
        operationId: 'listSuggestions',
        tags: ['people'],
        summary:
          'People I may want to follow: followed by those I follow (most of them first), then active accounts ' +
          'followed by many. Never me, those I follow, block or mute, or those who block me',
        security: BEARER,
        querystring: PageQuery,
        response: { 200: ProfilePage, 400: ErrorBody },
      },
    },
    async (req) => deps.services.suggestions.suggestions(await deps.auth(req), req.query),
  );
}
