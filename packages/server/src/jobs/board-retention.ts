import { retentionFloor } from '../domain/retention.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { BoardRecord, BoardRepo, MessageRepo, ReactionRepo } from '../ports/store.js';
import { breathe } from './payloads.js';
import { boundedSweep } from './bounded-sweep.js';
import type { JobProcessor } from './processor.js';

/**
 * How long an expired message is kept after reads stop showing it. A reaction accepted just before the expiry
 * (the message was still visible) lands well within this, so the purge after it always sees that reaction.
 */
export const RETENTION_GRACE_MS = 60 * 60_000;

/**
 * Removes board messages older than their board's retention period (plus RETENTION_GRACE_MS), with their
 * reactions, in small batches. Reads hide such messages from the moment they expire; this reclaims the rows.
 * Enqueued periodically by the Scheduler; idempotent, so overlapping runs (or several servers) are harmless.
 */
export class BoardRetentionProcessor implements JobProcessor {
  readonly jobs = ['boards.retention'] as const;

  constructor(
    private readonly deps: {
      boards: BoardRepo;
      messages: MessageRepo;
      reactions: ReactionRepo;
      clock: Clock;
      batchSize: number;
    },
  ) {}

  async perform(_job: Job): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const boards = await this.deps.boards.withRetention({ after, limit: 100 });
      for (const board of boards) await this.purge(board);
      if (boards.length < 100) return;
      after = boards.at(-1)?.id;
    }
  }

  private async purge(board: BoardRecord): Promise<void> {
    const { messages, reactions, clock, batchSize } = this.deps;
    const floor = retentionFloor(board.retentionDays, clock.now() - RETENTION_GRACE_MS);
    if (floor === undefined) return;
    // No cap on batches: a board has only so many expired messages, and each batch removes some of them.
    await boundedSweep(batchSize, Infinity, async () => {
      const ids = await messages.idsBefore(board.id, floor, batchSize);
      if (ids.length === 0) return 0;
      // Reactions first: a crash in between leaves messages that the next run purges, never orphaned reactions.
      while ((await reactions.purge('message', ids, batchSize)) === batchSize) await breathe(0);
      await messages.deleteMany(board.id, ids);
      return ids.length;
    });
  }
}
