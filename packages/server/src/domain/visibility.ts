// The edge types as the store's RelationRepo has them (ports/relation-store.ts); declared here because domain/
// imports nothing outside itself, and matched structurally.
type RelationKind = 'block' | 'mute';
interface RelationEdge {
  owner: string;
  kind: RelationKind;
  target: string;
}
/** What visibility needs of the store: `RelationRepo.existing`, and `around` where the store has it. */
export interface RelationLookup {
  existing(edges: readonly RelationEdge[]): Promise<RelationEdge[]>;
  /** `existing` of viewer -> each other (kinds `out`) and each other -> viewer (kinds `into`), read by shape. */
  around?(
    viewer: string,
    others: readonly string[],
    kinds: { out: readonly RelationKind[]; into: readonly RelationKind[] },
  ): Promise<RelationEdge[]>;
  /** Of `owners`, those with an edge of `kind` to `target` (strongly consistent), read from the target's side. */
  ownersAmong?(target: string, kind: RelationKind, owners: readonly string[]): Promise<string[]>;
}
/** What ending follows needs of the store: `FollowRepo.remove`. */
export interface FollowRemover {
  remove(
    follower: string,
    followee: string,
    options?: { outbox?: readonly { name: string; payload: Record<string, unknown> }[] },
  ): Promise<boolean>;
}

/**
 * The one place that decides who sees whom (blocks and mutes). Every reader and writer of content asks here, for
 * one viewer and many authors (or one author and many readers), in ONE batched read of the edges by key:
 * - blocked: a block either way. Neither sees the other's statuses (feed, story, status page), comments or
 *   reactions; neither can follow, comment on, react to or add the other to a board.
 * - feed-hidden: blocked, or muted by the viewer. A muted author stays visible on their own profile and status
 *   pages (Mastodon's behaviour); only feeds (and, later, notifications) leave them out.
 * - silenced mentions: the mentioned who block or mute the author are not notified (for notifications to come).
 * Later features (replies, reposts, quotes, notifications, search) use these same questions.
 */
export class Visibility {
  constructor(private readonly deps: { relations: RelationLookup }) {}

  /** Of `others`, those with a block either way with `viewer`. */
  async blocked(viewer: string, others: Iterable<string>): Promise<Set<string>> {
    const list = distinct(others, viewer);
    if (list.length === 0) return new Set();
    const found = await this.around(viewer, list, { out: ['block'], into: ['block'] });
    return new Set(found.map((e) => (e.owner === viewer ? e.target : e.owner)));
  }

  /** Whether `a` and `b` have a block either way. */
  async isBlocked(a: string, b: string): Promise<boolean> {
    return (await this.blocked(a, [b])).has(b);
  }

  /** Of `authors`, those whose statuses `viewer`'s feed leaves out: blocked either way, or muted by the viewer. */
  async feedHidden(viewer: string, authors: Iterable<string>): Promise<Set<string>> {
    const list = distinct(authors, viewer);
    if (list.length === 0) return new Set();
    const found = await this.around(viewer, list, { out: ['block', 'mute'], into: ['block'] });
    return new Set(found.map((e) => (e.owner === viewer ? e.target : e.owner)));
  }

  /**
   * `feedHidden` of `authors` and `blocked` of `others` in one read of the edges: a feed page's authors and
   * reposters, and the authors of the statuses its items quote (a quote across a block is embedded as gone).
   */
  async feedHiddenAndBlocked(
    viewer: string,
    authors: Iterable<string>,
    others: Iterable<string>,
  ): Promise<{ feedHidden: Set<string>; blocked: Set<string> }> {
    const feed = new Set(distinct(authors, viewer));
    const rest = new Set(distinct(others, viewer));
    const out = { feedHidden: new Set<string>(), blocked: new Set<string>() };
    if (feed.size + rest.size === 0) return out;
    const found = await this.around(viewer, [...new Set([...feed, ...rest])], {
      out: ['block', 'mute'],
      into: ['block'],
    });
    for (const e of found) {
      const other = e.owner === viewer ? e.target : e.owner;
      if (feed.has(other)) out.feedHidden.add(other);
      if (e.kind === 'block' && rest.has(other)) out.blocked.add(other);
    }
    return out;
  }

  /** Of `readers`, those whose feed must not get `author`'s statuses (the same rule seen from the author). */
  async hiddenReaders(author: string, readers: Iterable<string>): Promise<Set<string>> {
    const list = distinct(readers, author);
    if (list.length === 0) return new Set();
    const found = await this.deps.relations.existing(
      list.flatMap((reader): RelationEdge[] => [
        { owner: reader, kind: 'block', target: author },
        { owner: reader, kind: 'mute', target: author },
        { owner: author, kind: 'block', target: reader },
      ]),
    );
    return new Set(found.map((e) => (e.owner === author ? e.target : e.owner)));
  }

  /**
   * Of these (reader, author) pairs, those where the reader mutes the author, as `reader author` keys: fan-out asks
   * this about the feeds it just wrote (a block needs no check there: it ends the follow edges fan-out reads).
   */
  async muting(pairs: readonly { reader: string; author: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const { relations } = this.deps;
    if (!relations.ownersAmong) {
      const found = await relations.existing(
        pairs.map((p): RelationEdge => ({ owner: p.reader, kind: 'mute', target: p.author })),
      );
      return new Set(found.map((e) => `${e.owner} ${e.target}`));
    }
    // By author: a fan-out batch holds many readers of few authors, and nearly no author is muted by anyone.
    const readers = new Map<string, string[]>();
    for (const { reader, author } of pairs) {
      const list = readers.get(author);
      if (list) list.push(reader);
      else readers.set(author, [reader]);
    }
    const muting = new Set<string>();
    for (const [author, list] of readers)
      for (const reader of await relations.ownersAmong(author, 'mute', list)) muting.add(`${reader} ${author}`);
    return muting;
  }

  /** Of the users `author` mentions, those not to notify: they block or mute the author, or the author blocks them. */
  silencedMentions(author: string, mentioned: Iterable<string>): Promise<Set<string>> {
    return this.hiddenReaders(author, mentioned);
  }

  // The edges of these kinds between `viewer` and each of `others`: one read by shape where the store has it.
  private around(
    viewer: string,
    others: readonly string[],
    kinds: { out: readonly RelationKind[]; into: readonly RelationKind[] },
  ): Promise<RelationEdge[]> {
    const { relations } = this.deps;
    if (relations.around) return relations.around(viewer, others, kinds);
    return relations.existing(
      others.flatMap((other): RelationEdge[] => [
        ...kinds.out.map((kind) => ({ owner: viewer, kind, target: other })),
        ...kinds.into.map((kind) => ({ owner: other, kind, target: viewer })),
      ]),
    );
  }
}

function distinct(aliases: Iterable<string>, self: string): string[] {
  return [...new Set(aliases)].filter((a) => a !== self);
}

/** Ends both follows between a and b, each with its unfollow purge (idempotent: an absent edge is left alone). */
export async function endFollows(follows: FollowRemover, a: string, b: string): Promise<void> {
  const end = (follower: string, followee: string) =>
    follows.remove(follower, followee, { outbox: [{ name: 'unfollow.purge', payload: { follower, followee } }] });
  await Promise.all([end(a, b), end(b, a)]);
}
