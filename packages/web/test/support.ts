import type { Status, User } from '@tweeter/shared';
import type { SessionStorages } from '../src/logic/session.js';
import type { Notifier } from '../src/logic/toasts.js';

/** A Storage kept in memory (what localStorage and sessionStorage are to the session store). */
export class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

export function memoryStorages(): SessionStorages & { persistent: MemoryStorage; tab: MemoryStorage } {
  return { persistent: new MemoryStorage(), tab: new MemoryStorage() };
}

/** Records every message in order, as the user would have seen them. */
export class RecordingNotifier implements Notifier {
  readonly shown: { kind: string; text: string }[] = [];
  readonly dismissed: number[] = [];
  private next = 1;
  info = (text: string) => this.push('info', text);
  success = (text: string) => this.push('success', text);
  error = (text: string) => this.push('error', text);
  dismiss = (id: number) => void this.dismissed.push(id);
  private push(kind: string, text: string) {
    this.shown.push({ kind, text });
    return this.next++;
  }
  texts() {
    return this.shown.map((s) => s.text);
  }
}

export const ADA: User = { alias: 'ada', firstName: 'Ada', lastName: 'Lovelace', imageUrl: null };

/** A status as the server returns it (ids are ULIDs: they sort by time). */
export function status(id: string, post = `post ${id}`, author: User = ADA): Status {
  return {
    id,
    author,
    post,
    segments: [{ type: 'text', text: post, start: 0, end: [...post].length }],
    createdAt: new Date().toISOString(),
    media: [],
    reactions: { like: 0, heart: 0, mine: [] },
    commentCount: 0,
    repostCount: 0,
    repostedByMe: false,
    inReplyTo: null,
    quote: null,
    quoteId: null,
    replyCount: 0,
    quoteCount: 0,
    deleted: false,
    card: null,
  };
}

/** A fetch answering from a table of handlers, recording each call (the network, not the unit under test). */
type Answer = { status: number; body?: unknown };
export function fakeFetch(handler: (method: string, path: string, body: unknown) => Answer | Promise<Answer>) {
  const calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[] = [];
  const fn = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    calls.push({
      method: request.method,
      path: url.pathname + url.search,
      body,
      headers: Object.fromEntries(request.headers),
    });
    const res = await handler(request.method, url.pathname, body);
    return new Response(res.body === undefined ? null : JSON.stringify(res.body), {
      status: res.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: fn, calls };
}
