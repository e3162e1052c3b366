import { parseSegments, statusTags, statusTerms } from '@tweeter/shared';
import type { Job } from '../ports/job-queue.js';
import type { StatusRecord, StatusRepo } from '../ports/store.js';
import type { IndexedStatus, StatusSearchRepo } from '../ports/status-search.js';
import { parsePayload, StatusJob } from './payloads.js';
import type { BatchOutcome, JobProcessor } from './processor.js';

/**
 * Brings the search index in line with a status: indexed while it exists, out of the index once it is gone. One job
 * for both (queued by a post and by a delete, the account deletion's included), so order and repeats do not matter:
 * each run reads the status and converges. Terms come from the post as the current segmenter reads it, so statuses
 * stored before hashtags existed are indexed with theirs.
 *
 * Every post queues one, so the jobs of one receive run together (`performBatch`): their statuses read at once,
 * indexed in one write (`indexMany`: on SQLite one transaction that also checks each status still exists, so no
 * second read; on DynamoDB the statuses are read again after the writes), and one ack.
 */
export class IndexStatusProcessor implements JobProcessor {
  readonly jobs = ['index.status'] as const;

  constructor(
    private readonly deps: {
      statuses: StatusRepo;
      search: StatusSearchRepo;
      /**
       * The store's `getMany` sees every committed write (SQLite): a receive's statuses are read in one statement
       * instead of one `get` each (on the job thread each `get` was a read transaction of its own, with its WAL
       * locks: docs/benchmarks.md, `s17-sustained`). Absent: `get` each (DynamoDB: `getMany` may lag).
       */
      consistentGetMany?: boolean;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { statusId } = parsePayload(StatusJob, job.payload, 'index.status');
    const { statuses } = this.deps;
    await this.converge(statusId, await statuses.get(statusId));
    // A delete whose job ran between the read above and the write found nothing to remove: look again.
    if (!(await statuses.get(statusId))) await this.deps.search.remove(statusId);
  }

  readonly performBatch = async (jobs: readonly Job[]): Promise<BatchOutcome[]> => {
    const parsed = jobs.map((job) => {
      try {
        return parsePayload(StatusJob, job.payload, 'index.status').statusId;
      } catch (error) {
        return { error };
      }
    });
    const ids = [...new Set(parsed.filter((p): p is string => typeof p === 'string'))];
    const { search } = this.deps;
    const before = await this.read(ids);
    const removed = new Map(ids.filter((id) => !before.has(id)).map((id) => [id, search.remove(id)] as const));
    // Every status in one write (SQLite: one transaction, one FTS5 flush); if it fails, one by one, so a status that
    // cannot be indexed fails its own job only.
    let written = new Map<string, Promise<unknown>>();
    let checked = false;
    try {
      checked = (await search.indexMany([...before.values()].map(indexed))).checked;
    } catch {
      written = new Map([...before.values()].map((s) => [s.id, search.index(indexed(s))] as const));
    }
    await Promise.allSettled([...written.values(), ...removed.values()]);
    if (!checked) {
      // As in `perform`: a status deleted while its index write was on the way is taken out again (SQLite checks
      // in the write itself).
      const after = await this.read([...before.keys()]);
      for (const id of before.keys()) if (!after.has(id)) removed.set(id, search.remove(id));
    }
    return Promise.all(
      parsed.map(async (p): Promise<BatchOutcome> => {
        if (typeof p !== 'string') return { ok: false, error: p.error };
        try {
          await written.get(p);
          await removed.get(p);
          return { ok: true };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  };

  /**
   * The statuses that exist, read one by one but all at once: `get` is the read that sees a status just written or
   * just deleted (a consistent read on DynamoDB, where `getMany` may not be), which both reads here need; with
   * `consistentGetMany` in one `getMany`.
   */
  private async read(ids: readonly string[]): Promise<Map<string, StatusRecord>> {
    if (this.deps.consistentGetMany === true && ids.length > 1) {
      const many = await this.deps.statuses.getMany(ids);
      const inOrder = new Map<string, StatusRecord>();
      for (const id of ids) {
        const status = many.get(id);
        if (status) inOrder.set(id, status);
      }
      return inOrder;
    }
    const found = await Promise.all(ids.map((id) => this.deps.statuses.get(id)));
    return new Map(found.flatMap((status, i) => (status ? [[ids[i] ?? '', status] as const] : [])));
  }

  private async converge(statusId: string, status: StatusRecord | null): Promise<void> {
    if (!status) return this.deps.search.remove(statusId);
    await this.deps.search.index(indexed(status));
  }
}

/** What the index takes of a status: terms from the post as the current segmenter reads it (reindex uses it too). */
export function indexed(status: StatusRecord): IndexedStatus {
  const segments = parseSegments(status.post);
  return {
    statusId: status.id,
    author: status.author,
    createdAt: status.createdAt,
    terms: statusTerms(segments),
    tags: statusTags(segments),
  };
}
