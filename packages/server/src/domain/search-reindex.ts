import { parseSegments, type Segment } from '@tweeter/shared';

/** The reindex step job (jobs/search-reindex.ts), routed to the `index` queue. */
export const REINDEX_JOB = 'search.reindex';

/** The step of run `run` of `kind` that starts after cursor `after` (null: the beginning). */
export function reindexStep(
  kind: 'statuses' | 'people',
  run: string,
  after: string | null,
): { name: string; payload: { kind: string; run: string; after: string | null } } {
  return { name: REINDEX_JOB, payload: { kind, run, after } };
}

const codePoints = (text: string, from: number, to: number): string => [...text].slice(from, to).join('');

/**
 * The stored segments of a status with hashtag segments added where the current parser finds them, and nothing
 * else changed: only text segments that hold a whole hashtag are split (mentions, URLs and every other segment stay
 * exactly as stored, so a parser change of theirs never rewrites old statuses). Returns the same array when there
 * is nothing to add, so callers can skip the write.
 */
export function withHashtags(post: string, stored: readonly Segment[]): readonly Segment[] {
  if (stored.some((s) => s.type === 'hashtag')) return stored; // parsed with hashtags already
  const tags = parseSegments(post).filter((s) => s.type === 'hashtag');
  if (tags.length === 0) return stored;
  const out: Segment[] = [];
  let changed = false;
  for (const segment of stored) {
    const inside = segment.type === 'text' ? tags.filter((t) => t.start >= segment.start && t.end <= segment.end) : [];
    if (inside.length === 0) {
      out.push(segment);
      continue;
    }
    changed = true;
    let at = segment.start;
    const piece = (from: number, to: number): string =>
      codePoints(segment.text, from - segment.start, to - segment.start);
    for (const tag of inside) {
      if (tag.start > at) out.push({ type: 'text', text: piece(at, tag.start), start: at, end: tag.start });
      out.push(tag);
      at = tag.end;
    }
    if (at < segment.end) out.push({ type: 'text', text: piece(at, segment.end), start: at, end: segment.end });
  }
  return changed ? out : stored;
}
