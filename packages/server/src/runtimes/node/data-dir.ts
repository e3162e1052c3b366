import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StartupError } from './startup-error.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'the file system there does not allow new directories',
  ENOTDIR: 'a parent is a file, not a directory',
  EEXIST: 'it is a file, not a directory',
  ENOSPC: 'no space left on the device',
};

function failure(dir: string, what: string, code: string): StartupError {
  const reason = REASONS[code] ?? 'unexpected error';
  return new StartupError(
    `DATA_DIR ${dir} ${what}: ${reason} (${code}); set DATA_DIR to a directory this user can write`,
  );
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
}

/** The directory itself when it exists, else its nearest existing ancestor; throws for anything but ENOENT. */
function nearestExisting(dir: string): { path: string; isDir: boolean } {
  for (let path = dir; ; path = dirname(path)) {
    try {
      return { path, isDir: statSync(path).isDirectory() };
    } catch (err) {
      if (codeOf(err) === 'ENOTDIR') throw failure(dir, 'cannot be created', 'ENOTDIR');
      if (codeOf(err) !== 'ENOENT') throw failure(dir, 'cannot be read', codeOf(err));
      if (dirname(path) === path) throw failure(dir, 'cannot be created', 'ENOENT');
    }
  }
}

/**
 * Checks, without creating anything, that DATA_DIR is a writable directory or can be created as one.
 * Run before anything else at start, so a failing check leaves nothing behind.
 */
export function checkDataDir(dir: string): void {
  const existing = nearestExisting(dir);
  if (!existing.isDir) {
    throw failure(
      dir,
      existing.path === dir ? 'cannot be used' : 'cannot be created',
      existing.path === dir ? 'EEXIST' : 'ENOTDIR',
    );
  }
  try {
    accessSync(existing.path, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw failure(dir, existing.path === dir ? 'is not writable' : 'cannot be created', codeOf(err));
  }
}

/**
 * Creates DATA_DIR and its missing parents one level at a time. `mkdirSync(..., { recursive: true })` is not
 * used: under Node 20 it loops forever on ENOENT where a file system refuses new directories (/proc).
 */
export function ensureDataDir(dir: string): void {
  const existing = nearestExisting(dir);
  if (existing.path === dir) {
    if (!existing.isDir) throw failure(dir, 'cannot be used', 'EEXIST');
    return;
  }
  const missing: string[] = [];
  for (let path = dir; path !== existing.path; path = dirname(path)) missing.unshift(path);
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST' || !statSync(path).isDirectory())
        throw failure(dir, 'cannot be created', codeOf(err));
    }
  }
}
