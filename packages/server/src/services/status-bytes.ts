import type { StatusRecord, UserRecord } from '../ports/store.js';
import { LRUCache } from 'lru-cache';

/** How many statuses keep their rendered bytes (about 0.9 KB each: up to ~18 MB at the bound). */
export const STATUS_BYTES_MAX = 20_000;

/**
 * The immutable part of a status's JSON (`{"id":…,"author":{…},"post":…,"segments":…,"createdAt":…,"media":[…],`),
 * rendered to bytes once and reused by every page that lists it. An LRU keyed by status id; an entry holds the
 * version it was made from, the status record and the author record objects: the hydrator's caches hand out a new
 * object whenever either is read again (an edit or a delete evicts the status, a profile change evicts the author,
 * and their TTLs bound what another process changed), so a stale entry never matches and is rendered again.
 * Counts, the card, the reply target and everything about the viewer are never in it: they are spliced in per read.
 */
export class StatusBytes {
  private readonly cache = new LRUCache<string, { record: StatusRecord; author: UserRecord; head: Buffer }>({
    max: STATUS_BYTES_MAX,
  });

  /** The bytes of this record's fixed part with this author, rendered by `make` when absent or of another version. */
  head(record: StatusRecord, author: UserRecord, make: () => string): Buffer {
    const hit = this.cache.get(record.id);
    if (hit !== undefined && hit.record === record && hit.author === author) return hit.head;
    const head = Buffer.from(make());
    this.cache.set(record.id, { record, author, head });
    return head;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}
