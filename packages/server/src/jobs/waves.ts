// How the jobs a loop received are run together (split from worker-pool.ts).

/**
 * Jobs (or batches of jobs) a loop runs at once: enough for the different jobs of a post to share the writer's
 * transactions, few enough that a wave holds the event loop for a few ms at most (a turn is given between waves).
 */
const WAVE_JOBS = 16;

/** Splits `tasks`, in order, into waves of at most WAVE_JOBS with no job name twice. */
export function waves<T extends { name: string }>(tasks: readonly T[]): T[][] {
  const out: T[][] = [];
  let wave: T[] = [];
  let names = new Set<string>();
  for (const task of tasks) {
    if (wave.length >= WAVE_JOBS || names.has(task.name)) {
      out.push(wave);
      wave = [];
      names = new Set();
    }
    wave.push(task);
    names.add(task.name);
  }
  if (wave.length > 0) out.push(wave);
  return out;
}
