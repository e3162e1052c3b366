import { z } from 'zod';
import type { JobMetrics } from '../metrics.js';
import { DELETION_DONE, type DeletionProgress } from '../ports/account-deletions.js';
import { accountDeleteJob } from '../domain/account-deletion.js';
import type { Job } from '../ports/job-queue.js';
import { DELETION_STEPS, type StepDeps } from './account-delete-steps.js';
import { breathe, parsePayload } from './payloads.js';
import type { JobProcessor } from './processor.js';

const PENDING_BATCH = 100;

/** The job carries only the position it was enqueued for; the tombstone holds the step and cursor. */
export const AccountDeleteJob = z.object({ alias: z.string().min(1), seq: z.number().int().nonnegative() });

/**
 * Runs one bounded chunk of an account's deletion, then records the new position with the next chunk's job as one
 * compare-and-set on the tombstone's seq: a replayed or duplicated job finds the seq moved on and does nothing, and a
 * crash mid-chunk leaves the seq where it was, so the redelivered job repeats the (idempotent) chunk.
 */
export class AccountDeleteProcessor implements JobProcessor {
  readonly jobs = ['account.delete'] as const;

  constructor(
    private readonly deps: StepDeps & {
      metrics?: Pick<JobMetrics, 'deletionChunks'>;
      /** A pause after each chunk (FANOUT_BATCH_PAUSE_MS), so other writes run between them. */
      pauseMs?: number;
      /**
       * Finishes the writes a crash left pending (`Store.resendPending`), run before a redelivered chunk: on DynamoDB
       * an unfollow or unblock the crash cut after its mirror went is no longer listed from the account's side, so
       * the chunk's own re-count cannot reach it, and the scheduled sweep waits a minute before it looks.
       */
      finishPending?: (before: number, limit: number) => Promise<number>;
      now?: () => number;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    const { alias, seq } = parsePayload(AccountDeleteJob, job.payload, 'account.delete');
    const record = await this.deps.deletions.get(alias);
    if (!record || record.seq !== seq || record.step === DELETION_DONE) return;
    const index = DELETION_STEPS.findIndex(([name]) => name === record.step);
    const step = DELETION_STEPS[index];
    if (!step) throw new Error(`account.delete: unknown step "${record.step}"`);
    const rerun = job.attempts > 1;
    if (rerun && this.deps.finishPending) {
      const now = (this.deps.now ?? Date.now)();
      while ((await this.deps.finishPending(now, PENDING_BATCH)) === PENDING_BATCH);
    }
    const outcome = await step[1](record, this.deps, rerun);
    if (this.deps.pauseMs) await breathe(this.deps.pauseMs);
    const to: DeletionProgress = outcome.more
      ? { step: record.step, cursor: outcome.next, seq: seq + 1 }
      : { step: DELETION_STEPS[index + 1]?.[0] ?? DELETION_DONE, cursor: null, seq: seq + 1 };
    const next = to.step === DELETION_DONE ? [] : [accountDeleteJob(alias, to.seq)];
    await this.deps.deletions.advance(alias, record, to, next);
    this.deps.metrics?.deletionChunks.inc({ step: record.step });
  }
}
