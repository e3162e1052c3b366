import { parseSegments, statusTags, statusTerms } from '@tweeter/shared';
import type { Job } from '../ports/job-queue.js';
import type { StatusRecord, StatusRepo } from '../ports/store.js';
import type { StatusSearchRepo } from '../ports/status-search.js';
import { parsePayload, StatusJob } from './payloads.js';
import type { BatchOutcome, JobProcessor } from './processor.js';

/**
 * Brings the search index in line with a status: indexed while it exists, out of the index once it is gone. One job
 * for both (queued by a post and by a delete, the account deletion's included), so order and repeats do not matter:
 * each run reads the status and converges. Terms come from the post as the current segmenter reads it, so statuses
 * stored before hashtags existed are indexed with theirs.
 *
 * Every post queues one, so the jobs of one receive run together (`performBatch`): their statuses read at once
 * before and after, their index writes sent at once (on SQLite they share the writer's group), and one ack.
 */
export class IndexStatusProcessor implements JobProcessor {
  readonly jobs = ['index.status'] as const;

  constructor(private readonly deps: { statuses: StatusRepo; search: StatusSearchRepo }) {}

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
    const written = new Map(
      ids.map((id) => [id, this.converge(id, before.get(id) ?? null).then(() => true as const)] as const),
    );
    await Promise.allSettled(written.values());
    // As in `perform`: a status deleted while its index write was on the way is taken out again.
    const after = await this.read([...before.keys()]);
    const removed = new Map(
      [...before.keys()].filter((id) => !after.has(id)).map((id) => [id, search.remove(id)] as const),
    );
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
   * just deleted (a consistent read on DynamoDB, where `getMany` may not be), which both reads here need.
   */
  private async read(ids: readonly string[]): Promise<Map<string, StatusRecord>> {
    const found = await Promise.all(ids.map((id) => this.deps.statuses.get(id)));
    return new Map(found.flatMap((status, i) => (status ? [[ids[i] ?? '', status] as const] : [])));
  }

  private async converge(statusId: string, status: StatusRecord | null): Promise<void> {
    if (!status) return this.deps.search.remove(statusId);
    const segments = parseSegments(status.post);
    await this.deps.search.index({
      statusId,
      author: status.author,
      createdAt: status.createdAt,
      terms: statusTerms(segments),
      tags: statusTags(segments),
    });
  }
}
