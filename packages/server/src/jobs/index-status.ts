import { parseSegments, statusTags, statusTerms } from '@tweeter/shared';
import type { Job } from '../ports/job-queue.js';
import type { StatusRepo } from '../ports/store.js';
import type { StatusSearchRepo } from '../ports/status-search.js';
import { parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * Brings the search index in line with a status: indexed while it exists, out of the index once it is gone. One job
 * for both (queued by a post and by a delete, the account deletion's included), so order and repeats do not matter:
 * each run reads the status and converges. Terms come from the post as the current segmenter reads it, so statuses
 * stored before hashtags existed are indexed with theirs.
 */
export class IndexStatusProcessor implements JobProcessor {
  readonly jobs = ['index.status'] as const;

  constructor(private readonly deps: { statuses: StatusRepo; search: StatusSearchRepo }) {}

  async perform(job: Job): Promise<void> {
    const { statusId } = parsePayload(StatusJob, job.payload, 'index.status');
    const { statuses, search } = this.deps;
    const status = await statuses.get(statusId);
    if (!status) return search.remove(statusId);
    const segments = parseSegments(status.post);
    await search.index({
      statusId,
      author: status.author,
      createdAt: status.createdAt,
      terms: statusTerms(segments),
      tags: statusTags(segments),
    });
    // A delete whose job ran between the read above and the write found nothing to remove: look again.
    if (!(await statuses.get(statusId))) await search.remove(statusId);
  }
}
