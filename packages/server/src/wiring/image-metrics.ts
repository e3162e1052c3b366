import { readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import type { ImageChild } from '../runtimes/child/image-child.js';
import type { ImagePipeline } from '../services/image-pipeline.js';

/**
 * The server's image decoding in /metrics: decodes running and waiting (the bound past which uploads are 503), and
 * image child processes started (more than one: the child died and was replaced, its decodes sent again).
 */
export function registerImageMetrics(registry: Registry, pipeline: ImagePipeline, child: ImageChild): void {
  new Gauge({
    name: 'tweeter_image_decodes',
    help: 'Image decodes in the server, by state (running, waiting for a turn)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { running, waiting } = pipeline.load();
      this.set({ state: 'running' }, running);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  new Gauge({
    name: 'tweeter_image_child_starts',
    help: 'Image child processes started since the server started (the first one and each replacement)',
    registers: [registry],
    collect() {
      this.set(child.starts);
    },
  });
  // The child's resources are not in the default process_* metrics (they are this process's): read from /proc.
  new Gauge({
    name: 'tweeter_image_child_resident_memory_bytes',
    help: 'Resident memory of the running image child process (0 when none runs or off Linux)',
    registers: [registry],
    collect() {
      this.set(childStat(child.pid)?.rssBytes ?? 0);
    },
  });
  new Gauge({
    name: 'tweeter_image_child_cpu_seconds',
    help: 'CPU time (user + system) of the running image child process so far; starts again with a new child',
    registers: [registry],
    collect() {
      this.set(childStat(child.pid)?.cpuSeconds ?? 0);
    },
  });
}

/** Linux's clock tick is 100 Hz on every architecture Node supports (USER_HZ). */
const TICKS_PER_SECOND = 100;

function childStat(pid: number | null): { rssBytes: number; cpuSeconds: number } | null {
  if (pid === null || process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return { rssBytes: rssKb * 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null; // it ended while it was read
  }
}
