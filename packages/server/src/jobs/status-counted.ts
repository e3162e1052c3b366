import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { StatusViews } from '../ports/status-views.js';
import { parsePayload, StatusJob } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * A status's reply or quote count moved (a reply or quote was posted or deleted): pushes `status.updated` with the
 * status as it now stands to its author's connected followers and the author, as a late link card does. A status
 * deleted meanwhile pushes nothing. Idempotent: a replay pushes the same status again.
 */
export class StatusCountedProcessor implements JobProcessor {
  readonly jobs = ['status.counted'] as const;

  constructor(private readonly deps: { hydrator: StatusViews; realtime: Realtime }) {}

  async perform(job: Job): Promise<void> {
    const { statusId, author } = parsePayload(StatusJob, job.payload, 'status.counted');
    const [status] = await this.deps.hydrator.byIds([statusId], null); // a push to many: no `mine`
    if (!status) return;
    const event = { type: 'status.updated', channel: 'feed', data: status };
    this.deps.realtime.toFollowersOf(author, event);
    this.deps.realtime.toUsers([author], event);
  }
}
