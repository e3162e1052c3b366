import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { StatusViews } from '../ports/status-views.js';
import { parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * A pulled status (its author has too many followers to fan out to): nothing is written, feeds merge it at read
 * time. This only pushes `feed.status` to the author's followers who are connected now, found by checking the
 * connected users against the follow edges rather than by paging the followers.
 */
export class FanoutLiveProcessor implements JobProcessor {
  readonly jobs = ['fanout.live'] as const;

  constructor(private readonly deps: { hydrator: StatusViews; realtime: Realtime }) {}

  async perform(job: Job): Promise<void> {
    const { statusId, author } = parsePayload(StatusJob, job.payload, 'fanout.live');
    const [status] = await this.deps.hydrator.byIds([statusId], null); // a push to many: no `mine`
    if (status) this.deps.realtime.toFollowersOf(author, { type: 'feed.status', channel: 'feed', data: status });
  }
}
