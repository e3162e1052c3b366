import type { Job } from '../ports/job-queue.js';
import type { JobProcessor } from './processor.js';

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

  /** Runs `job` with its processor; throws (failing the attempt) when no processor handles its name. */
  async perform(job: Job): Promise<void> {
    const processor = this.byName.get(job.name);
    if (!processor) throw new Error(`no processor handles the job "${job.name}"`);
    await processor.perform(job);
  }
}
