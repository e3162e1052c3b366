import type { Job } from '../ports/job-queue.js';
import type { PeopleIndex, UserRepo } from '../ports/store.js';
import { AliasJob, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

/**
 * `index.user`: brings one account's people-search terms in line with the account as it is now (registration,
 * profile edit: its alias and names; deletion: none). It reads the record rather than trusting the payload, so
 * replays, reorderings and retries all converge on the latest state. Idempotent.
 */
export class IndexUserProcessor implements JobProcessor {
  readonly jobs = ['index.user'] as const;

  constructor(private readonly deps: { users: Pick<UserRepo, 'get'>; people: PeopleIndex }) {}

  async perform(job: Job): Promise<void> {
    const { alias } = parsePayload(AliasJob, job.payload, 'index.user');
    const user = await this.deps.users.get(alias);
    if (user) await this.deps.people.put(user);
    else await this.deps.people.remove(alias);
  }
}
