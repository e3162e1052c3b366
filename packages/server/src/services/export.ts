import { EXPORT_FORMAT } from '@tweeter/shared';
import { NotFoundError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import type {
  BoardRepo,
  CommentRepo,
  FollowRepo,
  MemberRepo,
  ReactionRepo,
  StatusRepo,
  UserRepo,
} from '../ports/store.js';
import type { UserPresenter } from './user-presenter.js';

/** Records read per store call: each page becomes one chunk of the response. */
export const EXPORT_PAGE = 1000;

const BOARD_PAGE = 100;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A user's data as one JSON document (ExportDocument), produced piece by piece: every list is read page by page
 * through the store ports and each page is handed over as text before the next is read, so memory stays flat
 * however much the account wrote (the consumer's backpressure paces the reads).
 */
export class ExportService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      statuses: StatusRepo;
      comments: CommentRepo;
      reactions: ReactionRepo;
      follows: FollowRepo;
      members: MemberRepo;
      boards: BoardRepo;
      userPresenter: UserPresenter;
      clock: Clock;
    },
  ) {}

  /** Checks the account exists (so a 404 comes before the first byte), then returns the document's chunks. */
  async open(alias: string): Promise<AsyncGenerator<string>> {
    const user = await this.deps.users.get(alias);
    if (!user) throw new NotFoundError(`no user @${alias}`);
    const profile = {
      alias: user.alias,
      firstName: user.firstName,
      lastName: user.lastName,
      bio: user.bio ?? '',
      imageUrl: this.deps.userPresenter.user(user).imageUrl,
      createdAt: iso(user.createdAt),
      followerCount: user.followerCount,
      followeeCount: user.followeeCount,
    };
    return this.chunks(alias, profile);
  }

  private async *chunks(alias: string, profile: object): AsyncGenerator<string> {
    const head = { format: EXPORT_FORMAT, exportedAt: iso(this.deps.clock.now()), profile };
    yield `${JSON.stringify(head).slice(0, -1)}`;
    yield* this.list('statuses', this.statuses(alias));
    yield* this.list('comments', this.comments(alias));
    yield* this.list('reactions', this.reactions(alias));
    yield* this.list('followers', this.edges(alias, 'followers'));
    yield* this.list('followees', this.edges(alias, 'followees'));
    yield* this.list('boards', this.boards(alias));
    yield '}\n';
  }

  /** `,"name":[...]` from pages of items already as JSON text, one chunk per page. */
  private async *list(name: string, pages: AsyncGenerator<string[]>): AsyncGenerator<string> {
    let first = true;
    yield `,${JSON.stringify(name)}:[`;
    for await (const page of pages) {
      if (page.length === 0) continue;
      const text = page.join(',');
      yield first ? text : `,${text}`;
      first = false;
    }
    yield ']';
  }

  private async *statuses(alias: string): AsyncGenerator<string[]> {
    let before: string | undefined;
    for (;;) {
      const page = await this.deps.statuses.postsByAuthor(alias, { limit: EXPORT_PAGE, ...(before ? { before } : {}) });
      // The hot list: written by hand (ids are base32, times ISO: only the text needs escaping).
      yield page.map((s) => `{"id":"${s.id}","post":${JSON.stringify(s.post)},"createdAt":"${iso(s.createdAt)}"}`);
      if (page.length < EXPORT_PAGE) return;
      before = page.at(-1)?.id;
    }
  }

  private async *comments(alias: string): AsyncGenerator<string[]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.comments.byAuthor(alias, { limit: EXPORT_PAGE, ...(after ? { after } : {}) });
      yield page.map((c) =>
        JSON.stringify({
          id: c.id,
          statusId: c.statusId,
          text: c.text,
          deleted: c.deleted,
          createdAt: iso(c.createdAt),
        }),
      );
      if (page.length < EXPORT_PAGE) return;
      after = page.at(-1)?.id;
    }
  }

  private async *reactions(alias: string): AsyncGenerator<string[]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.reactions.byUser(alias, { limit: EXPORT_PAGE, ...(after ? { after } : {}) });
      yield page.items.map((r) =>
        JSON.stringify({ targetType: r.type, targetId: r.targetId, kind: r.kind, createdAt: iso(r.createdAt) }),
      );
      if (page.next === null) return;
      after = page.next;
    }
  }

  private async *edges(alias: string, direction: 'followers' | 'followees'): AsyncGenerator<string[]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.follows[direction](alias, { limit: EXPORT_PAGE, ...(after ? { after } : {}) });
      yield page.items.map((alias) => JSON.stringify(alias));
      if (page.next === null) return;
      after = page.next;
    }
  }

  private async *boards(alias: string): AsyncGenerator<string[]> {
    let before: string | undefined;
    for (;;) {
      // Smaller pages: each board costs a membership read of its own (for the role and join time).
      const ids = await this.deps.members.boardsOf(alias, { limit: BOARD_PAGE, ...(before ? { before } : {}) });
      const [boards, memberships] = await Promise.all([
        this.deps.boards.getMany(ids),
        Promise.all(ids.map((id) => this.deps.members.get(id, alias))),
      ]);
      const out: string[] = [];
      ids.forEach((id, i) => {
        const board = boards.get(id);
        const membership = memberships[i];
        if (!board || !membership) return; // left or deleted since the list was read
        out.push(
          JSON.stringify({
            id,
            name: board.name,
            description: board.description,
            visibility: board.visibility,
            owner: board.owner,
            role: membership.role,
            joinedAt: iso(membership.joinedAt),
          }),
        );
      });
      yield out;
      if (ids.length < BOARD_PAGE) return;
      before = ids.at(-1);
    }
  }
}
