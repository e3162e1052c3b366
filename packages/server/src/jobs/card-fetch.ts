import { z } from 'zod';
import { CardFetchError, type CardSource } from '../ports/card-source.js';
import { cardKey } from '../domain/card-url.js';
import type { JobMetrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { StatusViews } from '../ports/status-views.js';
import type { CardEntry, CardRepo } from '../ports/store.js';
import { parsePayload, StatusJob } from './payloads.js';
import type { BatchOutcome, JobProcessor } from './processor.js';

/** The status, its author, the first URL of its text and when it was posted (ms). */
export const CardJob = StatusJob.extend({
  url: z.string().min(1).max(2048),
  postedAt: z.number().int().nonnegative(),
});

/** How long cache entries stay fresh, and how the fetch of one URL is shared between jobs. */
export interface CardTiming {
  /** A card made from a page: nobody fetches that URL again for this long. */
  okTtlMs: number;
  /** A page that gave no card (negative cache); also how soon a failed refresh is tried again. */
  failedTtlMs: number;
  /** How long a claim to fetch holds: longer than a fetch can take (its total time limit). */
  claimMs: number;
  /** How long a job waits for another job's fetch of the same URL before it fails (and is retried). */
  waitMs: number;
  pollMs: number;
}

export const DEFAULT_CARD_TIMING: CardTiming = {
  okTtlMs: 24 * 3_600_000,
  failedTtlMs: 3_600_000,
  claimMs: 30_000,
  waitMs: 12_000,
  pollMs: 200,
};

/**
 * Makes the link card of a new status: from the cache when fresh, else fetched once per URL however many statuses
 * link it at once (a conditional claim picks the one job that fetches; the others wait for its result). When the
 * card is ready after the status was posted, pushes `status.updated` to the author's connected followers and the
 * author. Idempotent: a replay finds the card cached and pushes the same status again.
 */
export class CardFetchProcessor implements JobProcessor {
  readonly jobs = ['card.fetch'] as const;

  constructor(
    private readonly deps: {
      cards: CardRepo;
      source: CardSource;
      hydrator: StatusViews & { forgetCard(key: string): void };
      realtime: Realtime;
      clock: Clock;
      metrics: Pick<JobMetrics, 'cardFetches' | 'cardReady'>;
      timing?: Partial<CardTiming>;
    },
  ) {}

  private get timing(): CardTiming {
    return { ...DEFAULT_CARD_TIMING, ...this.deps.timing };
  }

  /**
   * The jobs of one receive, side by side: a fetch mostly waits on another site, so running them one after the other
   * would hold a worker loop (and on SQLite the fan-out jobs behind it) for the sum of their waits.
   */
  readonly performBatch = async (jobs: readonly Job[]): Promise<BatchOutcome[]> => {
    const known = await this.fresh(jobs);
    const settled = await Promise.allSettled(jobs.map((job) => this.perform(job, known)));
    return settled.map((r) => (r.status === 'fulfilled' ? { ok: true } : { ok: false, error: r.reason as unknown }));
  };

  /**
   * The cache entries of a receive's URLs that are fresh and settled, by URL as the jobs name them, read in one
   * look-up: most posts link a page whose card is cached, and a look-up a job was most of this job's CPU
   * (docs/benchmarks.md, `s17-sustained`). A lagging read (DynamoDB) is safe here: nobody refreshes an entry before
   * its `freshUntil`, so one read as fresh is the entry there is. The rest are read again, strongly, by `settle`.
   */
  private async fresh(jobs: readonly Job[]): Promise<ReadonlyMap<string, CardEntry>> {
    const byUrl = new Map<string, CardEntry>();
    if (jobs.length < 2) return byUrl; // one job: its own strong read costs the same
    const keys = new Map<string, string>(); // URL -> key
    for (const job of jobs) {
      const url = (job.payload as { url?: unknown } | null)?.url; // checked by `perform`'s parse
      if (typeof url !== 'string' || keys.has(url)) continue;
      const key = cardKey(url);
      if (key !== null) keys.set(url, key);
    }
    if (keys.size === 0) return byUrl;
    const now = this.deps.clock.now();
    const found = await this.deps.cards.getMany([...keys.values()]);
    for (const [url, key] of keys) {
      const entry = found.get(key);
      if (entry && entry.state !== 'pending' && entry.freshUntil > now) byUrl.set(url, entry);
    }
    return byUrl;
  }

  async perform(job: Job, known?: ReadonlyMap<string, CardEntry>): Promise<void> {
    const { statusId, author, url, postedAt } = parsePayload(CardJob, job.payload, 'card.fetch');
    const cached = known?.get(url);
    const key = cached ? cached.key : cardKey(url);
    if (key === null) return; // not a URL a card is made for (the post path only queues ones that are)
    const { entry, outcome } = cached ? { entry: cached, outcome: 'cached' } : await this.settle(key, url);
    this.deps.metrics.cardFetches.inc({ outcome });
    if (!entry.card) return;
    this.deps.metrics.cardReady.observe(Math.max(0, entry.fetchedAt - postedAt) / 1000);
    if (entry.fetchedAt < postedAt) return; // the card was there when the status was posted: nothing changed
    this.deps.hydrator.forgetCard(key);
    const [status] = await this.deps.hydrator.byIds([statusId], null); // a push to many: no `mine`
    if (!status) return; // deleted meanwhile
    const event = { type: 'status.updated', channel: 'feed', data: status };
    this.deps.realtime.toFollowersOf(author, event);
    this.deps.realtime.toUsers([author], event);
  }

  // The fresh entry for `key`: cached, fetched here, or fetched by the job holding the claim (waited for).
  private async settle(key: string, url: string): Promise<{ entry: CardEntry; outcome: string }> {
    const { cards, clock } = this.deps;
    const timing = this.timing;
    const giveUpAt = Date.now() + timing.waitMs;
    for (;;) {
      const now = clock.now();
      const entry = await cards.get(key);
      if (entry && entry.state !== 'pending' && entry.freshUntil > now) return { entry, outcome: 'cached' };
      if (await cards.claim(key, now, now + timing.claimMs)) return this.fetch(key, url, entry);
      if (Date.now() >= giveUpAt) throw new Error(`card.fetch: ${key} is still being fetched by another job`);
      await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
    }
  }

  private async fetch(
    key: string,
    url: string,
    previous: CardEntry | null,
  ): Promise<{ entry: CardEntry; outcome: string }> {
    const { cards, clock, source } = this.deps;
    const timing = this.timing;
    let entry: CardEntry;
    let outcome: string;
    try {
      const card = await source.card(url);
      const now = clock.now();
      entry = { key, state: 'ok', card, fetchedAt: now, freshUntil: now + timing.okTtlMs, claimUntil: 0 };
      outcome = 'fetched';
    } catch (err) {
      if (!(err instanceof CardFetchError)) throw err; // a bug or the store: retried (the claim lapses)
      const now = clock.now();
      const freshUntil = now + timing.failedTtlMs;
      // A refresh that failed keeps the card statuses already show; it is tried again after failedTtlMs.
      entry = previous?.card
        ? { ...previous, state: 'ok', freshUntil, claimUntil: 0 }
        : { key, state: 'failed', card: null, fetchedAt: now, freshUntil, claimUntil: 0 };
      outcome = err.reason;
    }
    await cards.put(entry);
    return { entry, outcome };
  }
}
