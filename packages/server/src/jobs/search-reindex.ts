import { z } from 'zod';
import { REINDEX_JOB, reindexStep, withHashtags } from '../domain/search-reindex.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { ReindexKind, SearchReindexRepo } from '../ports/search-reindex.js';
import type { PeopleIndex, StatusRecord, StatusRepo, UserRepo } from '../ports/store.js';
import type { StatusSearchRepo } from '../ports/status-search.js';
import { indexed } from './index-status.js';
import { parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

const ReindexJob = z.object({
  kind: z.enum(['statuses', 'people']),
  run: z.string().min(1),
  after: z.string().min(1).nullable(),
});

/** Bounds of one step: rows read, and time (a step stops after the read that passes it). */
export interface ReindexBounds {
  /** Rows one step reads at most (default 500). */
  rows: number;
  /** Ms after which a step reads no further page (default 2,000). */
  ms: number;
  /** Rows one read takes (default 100; DynamoDB scans: items looked at). */
  page: number;
}

export const DEFAULT_REINDEX_BOUNDS: ReindexBounds = { rows: 500, ms: 2_000, page: 100 };

// Statuses of the last 25 hours count in the trend counters when the reindex is the first to index them (their own
// index.status job may still be queued, and then finds them indexed): older ones are not backfilled into trends.
const TREND_WINDOW_MS = 25 * 3_600_000;

/** What one step did. */
export interface StepOutcome {
  /** False: a duplicate or stale step (its run moved on or was replaced); nothing was written. */
  ran: boolean;
  read: number;
  /** Statuses whose stored segments gained hashtags. */
  rewritten: number;
  done: boolean;
}

/**
 * `search.reindex`: one bounded step of a backfill run. Statuses: adds hashtag segments to stored segments that
 * predate them (nothing else changes) and indexes each status (indexing is idempotent: an indexed status is left
 * as it is). People: rewrites each account's normalized terms. The step then moves the run's cursor together with
 * the next step's job; a duplicate delivery finds the cursor moved and does nothing, a crashed step is redelivered
 * and redoes its (idempotent) rows.
 */
export class SearchReindexProcessor implements JobProcessor {
  readonly jobs = [REINDEX_JOB] as const;
  private readonly bounds: ReindexBounds;

  constructor(
    private readonly deps: {
      reindex: SearchReindexRepo;
      statuses: Pick<StatusRepo, 'getMany'>;
      users: Pick<UserRepo, 'getMany'>;
      search: StatusSearchRepo;
      people: PeopleIndex;
      clock: Clock;
      /** Rows read, by kind (search_reindex_rows_total in /metrics). */
      onRows?: (kind: ReindexKind, rows: number) => void;
      bounds?: Partial<ReindexBounds>;
    },
  ) {
    this.bounds = { ...DEFAULT_REINDEX_BOUNDS, ...deps.bounds };
  }

  async perform(job: Job): Promise<void> {
    const { kind, run, after } = parsePayload(ReindexJob, job.payload, REINDEX_JOB);
    await this.step(kind, run, after, true);
  }

  /** Runs the step of `run` after `after`; `chain`: commit the next step's job with the cursor (false: the CLI loops). */
  async step(kind: ReindexKind, run: string, after: string | null, chain: boolean): Promise<StepOutcome> {
    const { reindex } = this.deps;
    const state = await reindex.state(kind);
    if (!state || state.run !== run || state.done || state.cursor !== after) {
      return { ran: false, read: 0, rewritten: 0, done: state?.done ?? false };
    }
    const started = performance.now();
    let cursor: string | null = after;
    let read = 0;
    let rewritten = 0;
    do {
      const limit = Math.min(this.bounds.page, this.bounds.rows - read);
      const page = kind === 'statuses' ? await this.statuses(cursor, limit) : await this.people(cursor, limit);
      read += page.read;
      rewritten += page.rewritten;
      cursor = page.next;
    } while (cursor !== null && read < this.bounds.rows && performance.now() - started < this.bounds.ms);
    const moved = await reindex.advance(
      kind,
      { run, from: after, to: cursor, read },
      chain && cursor !== null ? reindexStep(kind, run, cursor) : null,
    );
    if (moved) this.deps.onRows?.(kind, read);
    return { ran: moved, read, rewritten, done: moved && cursor === null };
  }

  private async statuses(after: string | null, limit: number) {
    const { reindex, search, clock } = this.deps;
    const page = await reindex.statuses(after, limit);
    const recent = clock.now() - TREND_WINDOW_MS;
    let rewritten = 0;
    for (const status of page.items) {
      const segments = withHashtags(status.post, status.segments);
      if (segments !== status.segments && (await reindex.setSegments(status.id, segments))) rewritten++;
      await search.index({ ...indexed(status), countTrends: status.createdAt >= recent });
    }
    // A status deleted while this page was indexed (its own index.status job may have run before ours): out again.
    const ids = page.items.map((s) => s.id);
    const present = ids.length > 0 ? await this.deps.statuses.getMany(ids) : new Map<string, StatusRecord>();
    for (const id of ids) if (!present.has(id)) await search.remove(id);
    return { read: page.read, next: page.next, rewritten };
  }

  private async people(after: string | null, limit: number) {
    const page = await this.deps.reindex.users(after, limit);
    for (const user of page.items) await this.deps.people.put(user);
    // An account deleted meanwhile (its index.user job may have run before ours) leaves the index again.
    const aliases = page.items.map((u) => u.alias);
    const present = aliases.length > 0 ? await this.deps.users.getMany(aliases) : new Map<string, unknown>();
    for (const alias of aliases) if (!present.has(alias)) await this.deps.people.remove(alias);
    return { read: page.read, next: page.next, rewritten: 0 };
  }
}
