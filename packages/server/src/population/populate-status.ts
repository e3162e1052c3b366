import { parseSegments, statusTags, statusTerms } from '@tweeter/shared';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { MediaImage, StatusRecord, Store } from '../ports/store.js';
import { userAlias, type PopulationPlan } from './graph.js';
import { populatedText } from './vocabulary.js';
import { reachedBy, type Refs } from './threads.js';

// One populated status: its text, its pictures, the cards its links point at, and its delivery (populate.ts runs
// the plan; this is what it writes for each status that goes through the Store).

const FOLLOWER_PAGE = 1_000;
/** Pages the populated statuses link (a few shared pages, as real links cluster), each with a card cached. */
export const POPULATED_ARTICLES = 50;
/** Every LINK_EVERY-th populated status links one of them; the others are plain text. */
const LINK_EVERY = 3;
const CARD_FRESH_MS = 24 * 3_600_000;

/** The article URL a populated status may link. */
export function articleUrl(k: number): string {
  return `https://example.com/articles/${k}`;
}

// Deterministic per (author, n), so a rerun writes the same text (its idempotency key would refuse another anyway).
// Words of a realistic vocabulary with hashtags (vocabulary.ts), so search and trends have something real to find.
export function populatedPost(author: string, n: number, of: number): string {
  const a = Number(/\d+$/.exec(author)?.[0] ?? 0);
  const i = a + n;
  const head = `${populatedText(a, n, userAlias)} (${n}/${of})`;
  return i % LINK_EVERY === 0 ? `${head} notes at ${articleUrl(i % POPULATED_ARTICLES)}` : head;
}

/**
 * Writes the cards of the articles the statuses link, as if fetched now (no job fetches them: the population makes
 * no network calls), so feeds read cards as they would on a live server.
 */
export async function cacheArticleCards(store: Store, now: number): Promise<void> {
  for (let k = 0; k < POPULATED_ARTICLES; k++) {
    const url = articleUrl(k);
    await store.cards.put({
      key: url,
      state: 'ok',
      card: {
        url,
        title: `Article ${k}: notes on the engine`,
        description: `A populated page (${k} of ${POPULATED_ARTICLES}) with a card cached by tweeter populate.`,
        imageUrl: null,
        siteName: 'Example',
      },
      fetchedAt: now,
      freshUntil: now + CARD_FRESH_MS,
    });
  }
}

/**
 * Writes the author's n-th status (idempotency key `populate-<n>`) and delivers it to every current follower
 * through the same delivery steps as the fan-out jobs (recordPlanned + deliverPage), so feeds hold it and its
 * delivery record reads `done`. No job is queued: a server started later has no fan-out backlog to work through.
 * A status already delivered by an earlier run is skipped; a partly delivered one (an interrupted run) is
 * completed, since planning is a compare-and-set on the cursor and each page is counted once.
 */
export async function postAndDeliver(
  store: Store,
  clock: Clock,
  author: string,
  n: number,
  of: number,
  media: MediaImage[],
  refs: Refs = {},
): Promise<{ created: boolean; feedEntries: number; status: StatusRecord }> {
  const now = clock.now();
  const post = populatedPost(author, n, of);
  const audience = (await store.users.get(author))?.followerCount ?? 0;
  const { status, created } = await store.statuses.create(
    {
      id: newId(now),
      author,
      post,
      segments: parseSegments(post),
      createdAt: now,
      ...(media.length ? { media } : {}),
      ...(refs.parent ? { inReplyToId: refs.parent.id, inReplyToAuthor: refs.parent.author } : {}),
      ...(refs.quoted ? { quoteOfId: refs.quoted.id } : {}),
    },
    { idempotencyKey: `populate-${n}`, audience },
  );
  if (!created && (await store.deliveries.get(status.id))?.state === 'done') {
    return { created, feedEntries: 0, status };
  }
  // Indexed here as the index.status job would (no job is queued); idempotent, so a rerun changes nothing.
  const segments = parseSegments(post);
  await store.search.index({
    statusId: status.id,
    author,
    createdAt: status.createdAt,
    terms: statusTerms(segments),
    tags: statusTags(segments),
  });

  let feedEntries = 0;
  let from: string | null = null;
  for (;;) {
    const page = await store.follows.followers(author, { after: from ?? undefined, limit: FOLLOWER_PAGE });
    const to: string | null = page.items.at(-1) ?? from;
    const last = page.next === null;
    // Refused (false) when an earlier run planned this page already: delivering it again below is harmless.
    await store.deliveries.recordPlanned(status.id, { from, to, count: page.items.length, last });
    // A reply reaches only followers who also follow the replied-to author (as fan-out leaves it).
    const owners = await reachedBy(store, status, page.items);
    if (owners.length) {
      feedEntries += await store.deliveries.deliverPage({ statusId: status.id, author }, owners, {
        now: clock.now(),
        page: { key: `populate:${to ?? ''}`, count: page.items.length },
      });
    }
    if (last) return { created, feedEntries, status };
    from = to;
  }
}

/**
 * The images of user i's n-th status: for a `mediaShare` of statuses (chosen by a hash of i and n, so a rerun
 * agrees), 1 to 4 of the stock pictures, each with an id of its own (they share the stock blobs).
 */
export function pickMedia(plan: PopulationPlan, stock: readonly MediaImage[], i: number, n: number): MediaImage[] {
  const share = plan.mediaShare ?? 0;
  if (share <= 0 || stock.length === 0) return [];
  const h = Math.imul(i * 31 + n, 2654435761) >>> 0;
  if ((h % 10_000) / 10_000 >= share) return [];
  const count = 1 + ((h >>> 16) % 4);
  return Array.from({ length: count }, (_, k) => {
    const image = stock[(h + k) % stock.length] as MediaImage;
    return { ...image, id: `${image.id}${String(i).padStart(7, '0')}${n}${k}`.slice(0, 40) };
  });
}
