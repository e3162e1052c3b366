import type { Job } from '../ports/job-queue.js';
import type { JobProcessor } from './processor.js';

/** A processor that can run many of its jobs at once. */
export type BatchProcessor = JobProcessor & Required<Pick<JobProcessor, 'performBatch'>>;

/**
 * Which processor runs which job name: one map shared by every way jobs arrive (the worker pool polling the
 * queue, an SQS event in Lambda, a scheduled invocation).
 */
export class ProcessorRegistry {
  private readonly byName = new Map<string, JobProcessor>();

  constructor(processors: readonly JobProcessor[]) {
    for (const processor of processors) {
      for (const name of processor.jobs) {
        if (this.byName.has(name)) throw new Error(`two processors handle the job "${name}"`);
        this.byName.set(name, processor);
      }
    }
  }

  /** Job names some processor handles. */
  get names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * Splits received jobs into groups a processor runs together (`performBatch`, two or more jobs) and the rest,
   * each run on its own; both keep the received order.
   */
  batches(jobs: readonly Job[]): { groups: { processor: BatchProcessor; jobs: Job[] }[]; single: Job[] } {
    const byProcessor = new Map<BatchProcessor, Job[]>();
    for (const job of jobs) {
      const processor = this.byName.get(job.name);
      if (!canBatch(processor)) continue;
      const group = byProcessor.get(processor) ?? [];
      group.push(job);
      byProcessor.set(processor, group);
    }
    const groups = [...byProcessor]
      .filter(([, group]) => group.length > 1)
      .map(([processor, group]) => ({ processor, jobs: group }));
    const grouped = new Set(groups.flatMap((g) => g.jobs));
    return { groups, single: jobs.filter((job) => !grouped.has(job)) };
  }

  /** Runs `job` with its processor; throws (failing the attempt) when no processor handles its name. */
  async perform(job: Job): Promise<void> {
    const processor = this.byName.get(job.name);
    if (!processor) throw new Error(`no processor handles the job "${job.name}"`);
    await processor.perform(job);
  }
}

function canBatch(processor: JobProcessor | undefined): processor is BatchProcessor {
  return processor?.performBatch !== undefined;
}
