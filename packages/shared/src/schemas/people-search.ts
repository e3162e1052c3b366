import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { PageQuery } from './common.js';

/** `?q=`: 1 to 200 characters after trimming; matched as words, never as query syntax. */
export const PeopleSearchText = z
  .string()
  .trim()
  .min(LIMITS.searchQueryMin, `must be ${LIMITS.searchQueryMin} to ${LIMITS.searchQueryMax} characters`)
  .max(LIMITS.searchQueryMax, `must be ${LIMITS.searchQueryMin} to ${LIMITS.searchQueryMax} characters`);

/** GET /search/users: `q` and the paging of every list. */
export const PeopleSearchQuery = PageQuery.extend({ q: PeopleSearchText });
export type PeopleSearchQuery = z.infer<typeof PeopleSearchQuery>;
