/** First restart delay after a crash; doubles with each crash in a row, up to RESTART_MAX_MS. */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 30_000;
/** A thread that ran this long before crashing counts as healthy again: its restart starts from the base delay. */
const STABLE_AFTER_MS = 60_000;

/** A restarted thread's crashes (the job threads' slots, the writer thread). */
export interface RestartHistory {
  /** Crashes in a row (reset by a run of STABLE_AFTER_MS). */
  crashes: number;
  /** Date.now() when the current thread started (0: none running). */
  startedAt: number;
  /** Restarts since start. */
  restarts: number;
}

/** Counts a crash in `history` and returns how long to wait before starting the thread again. */
export function restartDelayMs(history: RestartHistory): number {
  if (history.startedAt > 0 && Date.now() - history.startedAt >= STABLE_AFTER_MS) history.crashes = 0;
  history.startedAt = 0;
  const delayMs = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** history.crashes);
  history.crashes += 1;
  history.restarts += 1;
  return delayMs;
}
