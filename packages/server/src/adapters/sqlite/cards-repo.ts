import type { Card } from '@tweeter/shared';
import type { CardEntry, CardRepo } from '../../ports/card-store.js';
import type { Db } from './database.js';

interface CardRow {
  url_key: string;
  state: CardEntry['state'];
  card: string | null;
  fetched_at: number;
  fresh_until: number;
  claim_until: number;
}

/** The link card cache over SQLite (table link_cards). */
export function createCardsRepo(db: Db): CardRepo {
  const select = db.prepare<[string], CardRow>('SELECT * FROM link_cards WHERE url_key = ?');
  const selectMany = db.prepare<[string], CardRow>(
    'SELECT * FROM link_cards WHERE url_key IN (SELECT value FROM json_each(?))',
  );
  // One statement decides and writes, so two claimers cannot both win.
  const claim = db.prepare<{ key: string; now: number; until: number }>(
    `INSERT INTO link_cards (url_key, state, card, fetched_at, fresh_until, claim_until)
     VALUES (@key, 'pending', NULL, 0, 0, @until)
     ON CONFLICT (url_key) DO UPDATE SET claim_until = @until
     WHERE link_cards.fresh_until <= @now AND link_cards.claim_until <= @now`,
  );
  const put = db.prepare<[string, string, string | null, number, number]>(
    `INSERT INTO link_cards (url_key, state, card, fetched_at, fresh_until, claim_until) VALUES (?, ?, ?, ?, ?, 0)
     ON CONFLICT (url_key) DO UPDATE SET state = excluded.state, card = excluded.card,
       fetched_at = excluded.fetched_at, fresh_until = excluded.fresh_until, claim_until = 0`,
  );
  return {
    async getMany(keys) {
      const out = new Map<string, CardEntry>();
      if (keys.length === 0) return out;
      for (const row of selectMany.all(JSON.stringify([...new Set(keys)]))) out.set(row.url_key, toEntry(row));
      return out;
    },
    async get(key) {
      const row = select.get(key);
      return row ? toEntry(row) : null;
    },
    async claim(key, now, until) {
      return claim.run({ key, now, until }).changes > 0;
    },
    async put(entry) {
      put.run(
        entry.key,
        entry.state,
        entry.card ? JSON.stringify(entry.card) : null,
        entry.fetchedAt,
        entry.freshUntil,
      );
    },
  };
}

function toEntry(row: CardRow): CardEntry {
  return {
    key: row.url_key,
    state: row.state,
    card: row.card === null ? null : (JSON.parse(row.card) as Card),
    fetchedAt: row.fetched_at,
    freshUntil: row.fresh_until,
    claimUntil: row.claim_until,
  };
}
