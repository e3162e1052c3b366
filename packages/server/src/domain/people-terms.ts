import { aliasTerm, searchWords } from '@tweeter/shared';

/** Name words indexed per account: first and last names of up to 50 characters each rarely have more. */
export const NAME_TERMS_MAX = 12;

/** The index terms of an account: its alias whole, and the distinct normalized words of its first and last names. */
export function peopleTerms(entry: { alias: string; firstName: string; lastName: string }): {
  alias: string;
  names: string[];
} {
  return {
    alias: aliasTerm(entry.alias),
    names: searchWords(`${entry.firstName} ${entry.lastName}`, NAME_TERMS_MAX),
  };
}

/** The next string after every string starting with `prefix` (the exclusive end of a prefix range). */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** The job that brings `alias`'s people-search terms in line with the account (jobs/index-user.ts). */
export function indexUserJob(alias: string): { name: string; payload: { alias: string } } {
  return { name: 'index.user', payload: { alias } };
}
