import Database from 'better-sqlite3';
import { renameSync, rmSync, statSync } from 'node:fs';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/**
 * Copies a live SQLite database to `destination` with SQLite's online backup API: a consistent snapshot taken
 * while the server keeps reading and writing (the copy restarts its remaining pages when a write lands).
 * Writes `<destination>.partial` and renames it when the copy is complete and passes a quick check, so a
 * file at `destination` is always a whole database.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  const partial = `${destination}.partial`;
  const db = new Database(source, { readonly: true, fileMustExist: true });
  let pages = 0;
  try {
    await db.backup(partial, {
      progress: ({ totalPages }) => {
        pages = totalPages;
        return 1024; // pages per step: short steps leave the database to the server between them
      },
    });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  const copy = new Database(partial, { fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${String(check)}`);
    copy.pragma('journal_mode = DELETE'); // one self-contained file, no -wal beside it
  } catch (err) {
    copy.close();
    rmSync(partial, { force: true });
    throw err;
  }
  copy.close();
  renameSync(partial, destination);
  return { file: destination, bytes: statSync(destination).size, pages };
}
