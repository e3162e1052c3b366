import { purgeJob } from '../domain/status-jobs.js';
import { FIRST_DELETION_STEP } from '../domain/account-deletion.js';
import type { DeletionRecord } from '../ports/account-deletions.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Realtime } from '../ports/realtime.js';
import type { BoardRecord, Store } from '../ports/store.js';
import { actorNotificationsStep, ownNotificationsStep } from './account-delete-notifications.js';
import { mediaStep, othersRelationsStep, ownRelationsStep, repostsStep } from './account-delete-owned.js';
import { inParallel } from './in-parallel.js';
import { breathe } from './payloads.js';

/** What one chunk of a step did: where the step resumes (`next`), and whether it has more to do. */
export interface StepOutcome {
  next: string | null;
  more: boolean;
}

export type StepDeps = Pick<
  Store,
  | 'follows'
  | 'feeds'
  | 'statuses'
  | 'boards'
  | 'members'
  | 'messages'
  | 'reactions'
  | 'comments'
  | 'deletions'
  | 'relations'
  | 'media'
  | 'sessions'
  | 'reposts'
  | 'notifications'
> & {
  blobs: BlobStore;
  /** Tells a follower's open feeds which entries went (`feed.delete`, as a deleted status does). */
  realtime?: Pick<Realtime, 'toUsers'>;
  /** Followers, followees, reactions, comments, messages or members per chunk (at most MAX_DELETION_PAGE). */
  pageSize: number;
};

/**
 * One bounded chunk of a step, from the record's cursor: idempotent, so a crash mid-chunk only repeats it.
 * `rerun`: this chunk's job was delivered before (a crash or a failure may have left it half done).
 */
export type DeletionStep = (record: DeletionRecord, deps: StepDeps, rerun: boolean) => Promise<StepOutcome>;

/** The largest chunk: a few hundred short writes at most, so no chunk holds the writer (or a Lambda) for long. */
export const MAX_DELETION_PAGE = 500;
const STATUS_PAGE = 200;
const BOARD_PAGE = 20;
// Upper bound for "every id": '~' sorts after every character an id uses.
const TOP = '~';

/**
 * The steps of a deletion, in order (the job runs them one bounded chunk at a time; the tombstone records which
 * step and cursor it is on). A new kind of data an account owns gets its own step here, placed before `statuses`
 * if it must leave feeds first, or before `picture` otherwise.
 */
export const DELETION_STEPS: readonly (readonly [string, DeletionStep])[] = [
  // First, so its statuses leave every feed they reached soonest: each follower's edge goes (its followee count
  // corrected), then the follower's bounded feed is purged of the account's entries (as an unfollow purge does).
  // A fan-out still in flight writes only to current followers, so it cannot put an entry back afterwards.
  [FIRST_DELETION_STEP, followersStep],
  ['followees', followeesStep],
  ['feed', ownFeedStep],
  ['sessions', sessionsStep],
  // Block and mute edges both ways: the account's own and others' pointing at it.
  ['blocks', ownRelationsStep('block')],
  ['mutes', ownRelationsStep('mute')],
  ['blocked-by', othersRelationsStep('block')],
  ['muted-by', othersRelationsStep('mute')],
  ['statuses', statusesStep],
  ['reposts', repostsStep],
  ['reactions', reactionsStep],
  ['comments', commentsStep],
  ['messages', messagesStep],
  ['memberships', membershipsStep],
  ['media', mediaStep],
  ['notifications', ownNotificationsStep],
  ['notified', actorNotificationsStep],
  ['picture', pictureStep],
];

/**
 * On a rerun (both follow steps) the other side's counts are re-counted from the edges: on DynamoDB an unfollow a
 * crash left half done is finished by the next writer, which cannot tell whether its count ADD had landed.
 */
async function followersStep(record: DeletionRecord, deps: StepDeps, rerun: boolean): Promise<StepOutcome> {
  const page = await deps.follows.followers(record.alias, { after: record.cursor ?? undefined, limit: deps.pageSize });
  const removed = new Map<string, string[]>(); // status id → the followers whose feed held it
  const note = (follower: string, ids: readonly string[]): void => {
    for (const id of ids) removed.set(id, [...(removed.get(id) ?? []), follower]);
  };
  await inParallel(page.items, async (follower) => {
    // Purged before the edge goes too: a crash between the edge's removal and the purge would otherwise leave the
    // entries for good (the rerun no longer lists that follower). The purge after it is the one a fan-out in
    // flight needs.
    note(follower, await deps.feeds.removeByAuthorIds(follower, record.alias));
    await deps.follows.remove(follower, record.alias);
    if (rerun) await deps.follows.recount(follower);
    note(follower, await deps.feeds.removeByAuthorIds(follower, record.alias));
  });
  // Open feeds drop the entries live, as for a deleted status: one event per status to the followers that held it.
  for (const [id, owners] of removed) {
    deps.realtime?.toUsers(owners, { type: 'feed.delete', channel: 'feed', data: { id } });
  }
  return { next: page.next, more: page.next !== null };
}

async function followeesStep(record: DeletionRecord, deps: StepDeps, rerun: boolean): Promise<StepOutcome> {
  const page = await deps.follows.followees(record.alias, { after: record.cursor ?? undefined, limit: deps.pageSize });
  await inParallel(page.items, async (followee) => {
    await deps.follows.remove(record.alias, followee);
    if (rerun) await deps.follows.recount(followee);
  });
  return { next: page.next, more: page.next !== null };
}

/** The account's own home feed. */
async function ownFeedStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  const removed = await deps.feeds.trim(record.alias, { keep: 0, limit: deps.pageSize });
  return { next: null, more: removed === deps.pageSize };
}

/**
 * The account's sessions, through the same port method a password change uses. Its tokens already get 401 (the
 * owner is gone); this removes the rows rather than leaving them until they expire. One chunk: sessions per account
 * are few (each is a sign-in, limited by the login throttle).
 */
async function sessionsStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  await deps.sessions.deleteOfUser(record.alias);
  return { next: null, more: false };
}

/**
 * The account's statuses, newest first. Each goes as a deleted status does, with its `status.purge` job (its
 * reactions and comments, whoever wrote them); feeds hold none of them any more (followers step).
 */
async function statusesStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  const page = await deps.statuses.byAuthor(record.alias, {
    before: record.cursor ?? undefined,
    limit: Math.min(STATUS_PAGE, deps.pageSize),
  });
  await inParallel(page, (status) =>
    deps.statuses.delete(status.id, {
      outbox: [
        purgeJob(status),
        { name: 'index.status', payload: { statusId: status.id, author: status.author } },
        // Others' reposts of it leave the feeds they reached (those of people who never followed the account).
        { name: 'repost.sweep', payload: { statusId: status.id } },
      ],
    }),
  );
  const last = page.at(-1);
  return { next: last?.id ?? null, more: page.length === Math.min(STATUS_PAGE, deps.pageSize) };
}

/** Reactions the account gave to others' statuses and messages: each is taken back, so their tallies drop. */
async function reactionsStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  // The same by-author list the export reads (reactions.byUser), one query for both features.
  const page = await deps.reactions.byUser(record.alias, {
    ...(record.cursor === null ? {} : { after: record.cursor }),
    limit: deps.pageSize,
  });
  await inParallel(page.items, (r) => deps.reactions.remove(r.type, r.targetId, record.alias, r.kind));
  return { next: page.next, more: page.next !== null };
}

/**
 * Comments the account wrote on others' statuses: uncounted (a soft delete), then removed for good, so none is
 * left under the alias that a later account may take.
 */
async function commentsStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  // The same by-author list the export reads (comments.byAuthor), oldest first by id.
  const page = await deps.comments.byAuthor(record.alias, {
    ...(record.cursor === null ? {} : { after: record.cursor }),
    limit: deps.pageSize,
  });
  await inParallel(page, async (c) => {
    await deps.comments.softDelete(c.id);
    await deps.deletions.eraseComment(c.statusId, c.id);
  });
  const more = page.length === deps.pageSize;
  return { next: more ? (page.at(-1)?.id ?? null) : null, more };
}

/** Board messages the account wrote: removed for good with their reactions (as retention removes old ones). */
async function messagesStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  const page = await deps.deletions.messagesBy(record.alias, {
    after: record.cursor ?? undefined,
    limit: deps.pageSize,
  });
  const byBoard = new Map<string, string[]>();
  for (const m of page.items) byBoard.set(m.boardId, [...(byBoard.get(m.boardId) ?? []), m.id]);
  for (const [boardId, ids] of byBoard) {
    while ((await deps.reactions.purge('message', ids, deps.pageSize)) === deps.pageSize) await breathe(0);
    await deps.messages.deleteMany(boardId, ids);
  }
  return { next: page.next, more: page.next !== null };
}

/**
 * Boards the account is on, newest first: a membership goes; a board it owns passes to its oldest moderator, or
 * (none) is deleted with its messages and members, a bounded piece per chunk (the cursor then stays on that board).
 */
async function membershipsStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  const ids = await deps.members.boardsOf(record.alias, { before: record.cursor ?? undefined, limit: BOARD_PAGE });
  let next = record.cursor;
  for (const id of ids) {
    const board = await deps.boards.get(id);
    if (board?.owner === record.alias) {
      if (!(await handOver(board, deps))) return { next, more: true };
    } else {
      await deps.members.remove(id, record.alias);
    }
    next = id;
  }
  return { next, more: ids.length === BOARD_PAGE };
}

/** True when the board is no longer the account's: handed over, or deleted. False: call again, more to remove. */
async function handOver(board: BoardRecord, deps: StepDeps): Promise<boolean> {
  const heir = await oldestModerator(board.id, deps);
  if (heir) {
    await deps.deletions.transferBoard(board.id, board.owner, heir);
    return true;
  }
  const ids = await deps.messages.idsBefore(board.id, TOP, deps.pageSize);
  if (ids.length > 0) {
    while ((await deps.reactions.purge('message', ids, deps.pageSize)) === deps.pageSize) await breathe(0);
    await deps.messages.deleteMany(board.id, ids);
    return false;
  }
  const members = await deps.members.list(board.id, { limit: deps.pageSize });
  const others = members.filter((m) => m.role !== 'owner');
  if (others.length > 0) {
    await inParallel(others, (m) => deps.members.remove(board.id, m.alias));
    return false;
  }
  await deps.deletions.deleteBoard(board.id);
  return true;
}

/** The moderator who joined first (ties: by alias), or null. Reads the members page by page. */
async function oldestModerator(boardId: string, deps: StepDeps): Promise<string | null> {
  let best: { alias: string; joinedAt: number } | null = null;
  let after: string | undefined;
  for (;;) {
    const page = await deps.members.list(boardId, { after, limit: deps.pageSize });
    for (const m of page) {
      if (m.role === 'moderator' && (best === null || m.joinedAt < best.joinedAt)) best = m;
    }
    if (page.length < deps.pageSize) return best?.alias ?? null;
    after = page.at(-1)?.alias;
    await breathe(0);
  }
}

async function pictureStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  if (record.imageKey) await deps.blobs.delete(record.imageKey);
  return { next: null, more: false };
}
