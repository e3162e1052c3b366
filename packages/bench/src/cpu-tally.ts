import { threadCpu, type ThreadCpu } from './thread-cpu.js';

/** CPU used by a process's threads over the measured windows only (not the /metrics reads between them). */
export class CpuTally {
  readonly ms = new Map<string, number>();
  private from: ThreadCpu = new Map();
  constructor(private readonly pid: number | null) {}

  start(): void {
    this.from = threadCpu(this.pid);
  }

  stop(): void {
    for (const [thread, ms] of threadCpu(this.pid)) {
      this.ms.set(thread, (this.ms.get(thread) ?? 0) + ms - (this.from.get(thread) ?? 0));
    }
  }

  total(): number {
    let sum = 0;
    for (const ms of this.ms.values()) sum += ms;
    return sum;
  }
}
