import { parseSegments, type Segment } from '@tweeter/shared';

/** Segments as stored before hashtags existed (text, mentions and URLs only): hashtags were plain text. */
export function segmentsBeforeHashtags(post: string): Segment[] {
  const out: Segment[] = [];
  for (const s of parseSegments(post)) {
    const last = out.at(-1);
    if (s.type !== 'hashtag' && s.type !== 'text') out.push(s);
    else if (last?.type === 'text') out[out.length - 1] = { ...last, text: last.text + s.text, end: s.end };
    else out.push({ type: 'text', text: s.text, start: s.start, end: s.end });
  }
  return out;
}
