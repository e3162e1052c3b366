import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startup-error.js';

/** The lock file's name inside DATA_DIR. */
export const LOCK_FILE = 'tweeter.lock';

export interface DataDirLock {
  /** The lock file's path. */
  file: string;
  /** Removes the lock file (also done when the process exits, however it exits short of SIGKILL). */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    // 'wx' creates the file only if it does not exist, atomically: of two processes, exactly one wins.
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the exclusive lock on a data directory: one process at a time may write to it (the server, migrate,
 * populate, dlq redrive), because the job queue wakes only the workers of the process that wrote a job and live
 * events reach only one process's WebSocket clients. The lock is a file holding the owner's PID, created with
 * O_EXCL; a lock whose PID is no longer alive was left by a crash and is taken over.
 * `command` names what the caller is doing, for the refusal message.
 */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file)) break;
    const holder = holderOf(file);
    if (holder === process.pid) break;
    if (holder !== null && isAlive(holder)) {
      throw new StartupError(
        `DATA_DIR ${dataDir} is in use by process ${holder} (lock file ${file}): stop that process before ${command}, or set DATA_DIR to another directory`,
      );
    }
    // Stale (its process is gone) or half-written by a process that died while creating it: remove and retry.
    // Removed only while it still names the dead holder, so a lock just taken by a racing process survives.
    if (attempt >= 3) {
      throw new StartupError(
        `DATA_DIR ${dataDir}: cannot take the lock file ${file}; remove it if no tweeter runs there`,
      );
    }
    if (holderOf(file) !== holder) continue;
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // Only remove the file while it still names us.
    if (holderOf(file) === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', release);
  return { file, release };
}
