import type { AttachRefusal, MediaRecord, MediaRepo } from '../../ports/media-repo.js';
import type { Db } from './database.js';

interface MediaRow {
  id: string;
  owner: string;
  status_id: string | null;
  image_key: string;
  preview_key: string;
  width: number;
  height: number;
  blurhash: string;
  alt: string;
  created_at: number;
}

interface AttachParams {
  ids: readonly string[];
  owner: string;
  statusId: string;
  notBefore: number;
  claimedAt: number;
}

/**
 * Uploads over SQLite; attaching checks and claims every id in one transaction (and the post writes its status in
 * the same one, so no claim outlives a crash). `claimed_at` (migration 11) lists claims until the sweep confirms them,
 * as on DynamoDB, so both shapes keep one contract.
 */
export function createMediaRepo(db: Db): MediaRepo {
  const insert = db.prepare<[string, string, string, string, number, number, string, string, number]>(
    `INSERT INTO media (id, owner, status_id, image_key, preview_key, width, height, blurhash, alt, created_at)
     VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare<[string], MediaRow>('SELECT * FROM media WHERE id = ?');
  const updateAlt = db.prepare<[string, string, string], MediaRow>(
    'UPDATE media SET alt = ? WHERE id = ? AND owner = ? AND status_id IS NULL RETURNING *',
  );
  const claim = db.prepare<[string, number, string]>('UPDATE media SET status_id = ?, claimed_at = ? WHERE id = ?');
  const unclaim = db.prepare<[string, string]>(
    'UPDATE media SET status_id = NULL, claimed_at = NULL WHERE id = ? AND status_id = ?',
  );
  const unclaimExpired = db.prepare<[string, string]>(
    'UPDATE media SET status_id = NULL, claimed_at = NULL, created_at = 0 WHERE id = ? AND status_id = ?',
  );
  const selectClaimed = db.prepare<[number, number], MediaRow>(
    'SELECT * FROM media WHERE claimed_at IS NOT NULL AND claimed_at <= ? ORDER BY claimed_at LIMIT +?',
  );
  const confirmOne = db.prepare<[string, string]>('UPDATE media SET claimed_at = NULL WHERE id = ? AND status_id = ?');
  const selectUnattached = db.prepare<[number, number], MediaRow>(
    'SELECT * FROM media WHERE status_id IS NULL AND created_at <= ? ORDER BY created_at LIMIT +?',
  );
  const deleteOne = db.prepare<[string]>('DELETE FROM media WHERE id = ? AND status_id IS NULL');
  const deleteAny = db.prepare<[string]>('DELETE FROM media WHERE id = ?');
  const selectByOwner = db.prepare<[string, string, number], MediaRow>(
    'SELECT * FROM media WHERE owner = ? AND id > ? ORDER BY id LIMIT +?',
  );

  // A refusal throws, so the claims made before it roll back with the transaction.
  const attach = db.transaction((p: AttachParams): MediaRecord[] => {
    const out: MediaRecord[] = [];
    for (const id of p.ids) {
      const row = select.get(id);
      if (!row || row.owner !== p.owner) throw new Refused({ id, reason: 'missing' });
      if (row.status_id !== null && row.status_id !== p.statusId) {
        throw new Refused({ id, reason: 'attached', statusId: row.status_id });
      }
      if (row.created_at <= p.notBefore) throw new Refused({ id, reason: 'expired' });
      claim.run(p.statusId, p.claimedAt, id);
      out.push(toRecord({ ...row, status_id: p.statusId }));
    }
    return out;
  });

  return {
    async create(m) {
      insert.run(m.id, m.owner, m.key, m.previewKey, m.width, m.height, m.blurhash, m.alt, m.createdAt);
    },
    async get(id) {
      const row = select.get(id);
      return row ? toRecord(row) : null;
    },
    async setAlt(id, owner, alt) {
      const row = updateAlt.get(alt, id, owner);
      if (row) return toRecord(row);
      const existing = select.get(id);
      return existing && existing.owner === owner ? 'attached' : 'missing';
    },
    async attach(ids, c) {
      try {
        return attach.immediate({ ids, ...c });
      } catch (err) {
        if (err instanceof Refused) return err.refusal;
        throw err;
      }
    },
    async release(ids, statusId, options) {
      const stmt = options?.expire ? unclaimExpired : unclaim;
      db.transaction(() => {
        for (const id of ids) stmt.run(id, statusId);
      }).immediate();
    },
    async claimedBefore(before, limit) {
      return selectClaimed.all(before, limit).map(toRecord);
    },
    async confirm(id, statusId) {
      confirmOne.run(id, statusId);
    },
    async unattachedBefore(before, limit) {
      return selectUnattached.all(before, limit).map(toRecord);
    },
    async deleteUnattached(id) {
      return deleteOne.run(id).changes > 0;
    },
    async byOwner(owner, range) {
      const rows = selectByOwner.all(owner, range.after ?? '', range.limit + 1).map(toRecord);
      const items = rows.slice(0, range.limit);
      return { items, next: rows.length > range.limit ? (items.at(-1)?.id ?? null) : null };
    },
    async remove(id) {
      deleteAny.run(id);
    },
  };
}

class Refused extends Error {
  constructor(readonly refusal: AttachRefusal) {
    super(`media ${refusal.id}: ${refusal.reason}`);
  }
}

function toRecord(row: MediaRow): MediaRecord {
  return {
    id: row.id,
    owner: row.owner,
    statusId: row.status_id,
    key: row.image_key,
    previewKey: row.preview_key,
    width: row.width,
    height: row.height,
    blurhash: row.blurhash,
    alt: row.alt,
    createdAt: row.created_at,
  };
}
