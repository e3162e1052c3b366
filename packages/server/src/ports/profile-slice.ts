import type { UserRecord } from './store.js';

/** An account as a profile shows it, with the viewer's edges to it (people search's page, read in one go). */
export interface ProfileSliceRow {
  user: Pick<UserRecord, 'alias' | 'firstName' | 'lastName' | 'imageKey' | 'followerCount' | 'followeeCount' | 'bio'>;
  followedByMe: boolean;
  mutedByMe: boolean;
  /** A block either way between the viewer and the account. */
  blocked: boolean;
}

/**
 * A slice of accounts with the viewer's follows, mutes and blocks of each, in one read: what people search's block
 * filter, page records and profiles read as three (the edges, the users, the follows). Optional on a store (SQLite:
 * one statement); without it the service makes the three reads, which is what the DynamoDB shape does. Never the
 * viewer's edges to themselves: the viewer's own row has none.
 */
export interface ProfileSliceReader {
  /** Rows of the accounts among `aliases` that exist, in the order asked. */
  read(viewer: string, aliases: readonly string[]): Promise<ProfileSliceRow[]>;
}
