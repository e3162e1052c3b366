import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { Fifo } from './fifo.js';

export type {
  BetweenGroups,
  GroupCommitLimits,
  SubmitOptions,
  WriterCounts,
  WriterObserver,
  WritePriority,
} from './writer-types.js';
import type {
  BetweenGroups,
  GroupCommitLimits,
  Request,
  SubmitOptions,
  WriterCounts,
  WriterObserver,
  WritePriority,
} from './writer-types.js';

/** Riders (SubmitOptions.rides) an interactive group takes at most: one receive per worker loop. */
const MAX_RIDERS = 4;

/**
 * The one writer of the embedded file: every write is a request, run on this connection in the order of its
 * priority and commit group. Requests that arrived while the previous transaction ran are committed together in one
 * transaction (bounded by `limits`), each inside a savepoint of its own, so a request that throws is rolled back
 * alone and the others commit. Each request is answered once its transaction has committed (WAL with
 * synchronous=NORMAL: it survives a crash of the process). Only this connection writes, so it never waits for the
 * lock: a busy error here means another writer exists, which is a bug, and it fails the group loudly.
 */
export class SqliteWriter {
  private readonly interactive = new Fifo<Request>();
  private readonly bulk = new Fifo<Request>();
  /** How many of the queued interactive requests gather (SubmitOptions.gathers). */
  private gathering = 0;
  private scheduled = false;
  /** The timer while a group waits for its gap or its gathering (GroupCommitLimits.bulkGapMs, gatherMs). */
  private gapTimer: NodeJS.Timeout | null = null;
  /** performance.now() when the last transaction ended (-Infinity: none yet, the writer is idle). */
  private lastCommitAt = -Infinity;
  /** Whether the last group ran at least the gap: the writer is behind, and a gap would only idle it. */
  private lastGroupLong = false;
  private running = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Marks the calls made inside `batch`, which run inline in the batch's own transaction. */
  private readonly batchScope = new AsyncLocalStorage<true>();
  readonly counts: WriterCounts = { groups: 0, requests: 0, failed: 0 };

  /** Prepared once: `exec` parses its SQL on every call, and a group runs four of these per request or more. */
  private readonly control: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Statement>;

  constructor(
    private readonly db: Db,
    private readonly limits: GroupCommitLimits,
    private readonly observer?: WriterObserver,
    /** Work between groups while no interactive request waits (the WAL's last checkpoint step, wal-restart.ts). */
    private readonly betweenGroups?: BetweenGroups,
  ) {
    this.control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      savepoint: db.prepare('SAVEPOINT request'),
      release: db.prepare('RELEASE request'),
      rollbackTo: db.prepare('ROLLBACK TO request'),
      commit: db.prepare('COMMIT'),
    };
  }

  /** Runs `work` (synchronous SQLite calls) in the next group; resolves with its result once that group committed. */
  submit<T>(priority: WritePriority, work: () => T | Promise<T>, options: SubmitOptions = {}): Promise<T> {
    if (this.batchScope.getStore()) return inline(work);
    if (this.closed) return Promise.reject(new Error('the SQLite writer is closed'));
    return new Promise<T>((resolve, reject) => {
      const request: Request = {
        priority,
        rides: priority === 'bulk' && options.rides === true,
        gathers: priority === 'interactive' && options.gathers === true,
        at: performance.now(),
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      (priority === 'bulk' ? this.bulk : this.interactive).push(request);
      if (request.gathers) this.gathering += 1;
      this.schedule();
    });
  }

  /**
   * Runs `work`, many store writes awaited one after another, as ONE request: the writes inside run inline, so the
   * whole batch commits (or rolls back) at once. For a single user of the store such as the population tool.
   */
  batch<T>(work: () => Promise<T>): Promise<T> {
    return this.submit('interactive', () => this.batchScope.run(true, work));
  }

  /** Resolves once every request submitted so far is answered. */
  idle(): Promise<void> {
    if (!this.running && !this.scheduled && this.interactive.size + this.bulk.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Answers what was submitted, then refuses new requests. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
  }

  private schedule(): void {
    if (this.running) return;
    const wait = this.startWait();
    if (this.scheduled) {
      // An interactive request, or enough bulk ones, end a bulk group's wait for its gap; one that does not gather,
      // or enough that do, end a gathering group's wait (and a gathering request shortens a bulk group's).
      if (this.gapTimer === null) return;
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
    this.scheduled = true;
    if (wait > 0) {
      this.gapTimer = setTimeout(() => this.start(), wait);
      return;
    }
    // The next turn of the event loop: requests that arrive by message meanwhile join this group.
    setImmediate(() => this.start());
  }

  private start(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    this.gapTimer = null;
    void this.runGroup();
  }

  /** How long (ms) the next group waits before it starts: for more bulk requests, or for more gathering ones. */
  private startWait(): number {
    return this.interactive.size > 0 ? this.gatherWait() : this.bulkWait();
  }

  /** How long (ms) a group of gathering requests only waits for more before it starts (GroupCommitLimits.gatherMs). */
  private gatherWait(): number {
    const { gatherMs = 0, gatherRequests = 2 } = this.limits;
    const oldest = this.interactive.peek();
    if (gatherMs <= 0 || oldest === undefined || this.gathering < this.interactive.size) return 0;
    if (this.gathering >= gatherRequests || oldest.at - this.lastCommitAt >= gatherMs) return 0;
    return Math.max(0, oldest.at + gatherMs - performance.now());
  }

  /** How long (ms) a group of bulk requests only waits for more before it starts (GroupCommitLimits.bulkGapMs). */
  private bulkWait(): number {
    const { bulkGapMs = 0, bulkGapRequests = 32 } = this.limits;
    const oldest = this.bulk.peek();
    if (bulkGapMs <= 0 || oldest === undefined || this.interactive.size > 0 || this.lastGroupLong) return 0;
    if (this.bulk.size >= bulkGapRequests) return 0;
    // From the last commit, but never more than the gap from the oldest request's arrival: a steady stream of
    // interactive groups must not keep postponing bulk work.
    const until = Math.min(this.lastCommitAt, oldest.at) + bulkGapMs;
    return Math.max(0, until - performance.now());
  }

  /** How long (ms) a group runs before it ends or, bulk only, yields to see whether a post waits. */
  private boundOf(onlyBulk: boolean): number {
    const { maxMs, bulkYieldMs } = this.limits;
    return onlyBulk && bulkYieldMs !== undefined ? Math.min(maxMs, bulkYieldMs) : maxMs;
  }

  private next(): Request | undefined {
    const request = this.interactive.take() ?? this.bulk.take();
    if (request?.gathers === true) this.gathering -= 1;
    return request;
  }

  /**
   * Past its bound (`bulkYieldMs`): whether a group of bulk requests only goes on. It yields one turn of the event loop first, so
   * requests sent meanwhile (a post by message from the HTTP thread) are queued: an interactive one ends the group.
   */
  private async extendBulk(started: number, onlyBulk: boolean): Promise<boolean> {
    const { maxBulkMs } = this.limits;
    if (!onlyBulk || maxBulkMs === undefined || this.bulk.size === 0) return false;
    if (performance.now() - started >= maxBulkMs) return false;
    await new Promise((resolve) => setImmediate(resolve));
    return this.interactive.size === 0 && this.bulk.size > 0;
  }

  private async runGroup(): Promise<void> {
    const { db, control } = this;
    this.running = true;
    const answered: { request: Request; ok: boolean; value: unknown }[] = [];
    const started = performance.now();
    let groupError: unknown = null;
    let onlyBulk = true;
    let joining = 0;
    let riders = 0;
    try {
      control.begin.run();
    } catch (err) {
      groupError = err;
    }
    while (groupError === null) {
      // Interactive requests commit without bulk ones behind them: a post is answered after its own group only.
      if (!onlyBulk && this.interactive.size === 0) {
        if (riders >= MAX_RIDERS || this.bulk.peek()?.rides !== true) break;
        riders += 1;
      }
      const request = this.next();
      if (!request) break;
      if (request.priority === 'interactive') onlyBulk = false;
      this.observer?.waited(request.priority, (performance.now() - request.at) / 1000);
      control.savepoint.run();
      try {
        const value = await request.work();
        control.release.run();
        answered.push({ request, ok: true, value });
      } catch (err) {
        if (!db.inTransaction) {
          // SQLite rolled the whole transaction back (an I/O error, a full disk): nothing of the group is written.
          answered.push({ request, ok: false, value: err });
          groupError = err;
          break;
        }
        control.rollbackTo.run();
        control.release.run();
        answered.push({ request, ok: false, value: err });
      }
      if (answered.length >= this.limits.maxRequests) break;
      if (performance.now() - started >= this.boundOf(onlyBulk) && !(await this.extendBulk(started, onlyBulk))) {
        // Interactive writes that reached a bulk group at its turn of the event loop (a post) join it, and it commits
        // right after them: one COMMIT answers both, sooner for the post than the bulk group's COMMIT followed by a
        // group of its own. Only those queued then: a group that holds interactive writes keeps its time bound.
        if (onlyBulk) joining = this.interactive.size;
        if (joining > 0 && answered.length < this.limits.maxRequests) {
          joining -= 1;
          continue;
        }
        break;
      }
    }
    const committing = performance.now();
    if (groupError === null) {
      try {
        control.commit.run();
      } catch (err) {
        groupError = err;
      }
    }
    if (groupError !== null) {
      if (db.inTransaction) db.exec('ROLLBACK');
      // Nothing of the group was written: every request in it fails (the first one taken when BEGIN failed).
      if (answered.length === 0) {
        const first = this.next();
        if (first) answered.push({ request: first, ok: false, value: groupError });
      }
      for (const entry of answered) if (entry.ok) Object.assign(entry, { ok: false, value: groupError });
    }
    const ended = performance.now();
    this.lastCommitAt = ended;
    this.lastGroupLong = ended - started >= (this.limits.bulkGapMs ?? 0);
    this.counts.groups += 1;
    this.counts.requests += answered.length;
    for (const { request, ok, value } of answered) {
      if (ok) request.resolve(value);
      else {
        this.counts.failed += 1;
        request.reject(value);
      }
    }
    this.observer?.group(
      onlyBulk ? 'bulk' : 'interactive',
      (ended - started) / 1000,
      (ended - committing) / 1000,
      answered.length,
    );
    if (this.betweenGroups?.wanted(this.interactive.size > 0)) {
      // A turn of the event loop first: the answers above go out before this step's fsyncs, and a post that arrives
      // meanwhile goes ahead of it (unless the step is urgent: a WAL that a backlog would grow without end).
      await new Promise((resolve) => setImmediate(resolve));
      if (this.interactive.size === 0 || this.betweenGroups.urgent) {
        const at = performance.now();
        this.betweenGroups.run();
        this.observer?.betweenGroups?.((performance.now() - at) / 1000);
      }
    }
    this.running = false;
    if (this.interactive.size + this.bulk.size > 0) this.schedule();
    else for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function inline<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
