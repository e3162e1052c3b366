import { DIRECT_UPLOAD_WAIT, uploadPath } from '../logic/upload-path.js';
import { TweeterClient, TweeterApiError, type InitArgs, type OperationId } from '@tweeter/client';
import type {
  AuditEntry,
  Board,
  BoardRole,
  Comment,
  CreateBoardRequest,
  FeedItem,
  ImageType,
  Member,
  Media,
  Message,
  NotificationGroup,
  Page,
  Profile,
  ReactionKind,
  Status,
  UpdateBoardRequest,
  UpdateProfileRequest,
  User,
} from '@tweeter/shared';
import { validate, type Result } from './results.js';

/** Block or mute (PUT / DELETE /api/v1/me/blocks|mutes/{alias}). */
export type RelationKind = 'block' | 'mute';

export { TweeterApiError };

/** The human message of anything thrown: the API's own message, never `[object Object]`. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'string' && err) return err;
  return 'something went wrong';
}

/** Worth trying again by itself: no answer at all, or the server's own trouble (never a refusal, never a bad body). */
export function isTransient(err: unknown): boolean {
  return err instanceof TweeterApiError && (err.code === 'network' || err.status >= 500);
}

export interface ApiOptions {
  /** Origin of the server; by default the page's own. */
  baseUrl?: string;
  getToken(): string | null;
  /** Called when the server says the token is no longer good (401 on an authenticated call). */
  onUnauthenticated?(): void;
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * The app's API: named calls with the shared types, on @tweeter/client (transport, token, retries with
 * Idempotency-Key, the error class TweeterApiError). Every success body is checked with the shared zod schemas.
 */
export function createApi(options: ApiOptions) {
  const client = new TweeterClient({
    baseUrl: options.baseUrl ?? globalThis.location?.origin ?? '',
    token: options.getToken,
    fetch: options.fetch,
    onUnauthenticated: () => options.onUnauthenticated?.(),
    validate,
  });
  // The cast is what `validate` has just checked.
  const call = <Id extends OperationId>(id: Id, ...args: InitArgs<Id>) =>
    client.call(id, ...args) as Promise<Result<Id>>;
  const page = (cursor?: string | null) => (cursor ? { cursor } : {});
  // /meta says which upload path applies; asked once, on the first upload.
  let meta: Promise<Result<'getMeta'> | null> | undefined;

  return {
    meta: () => call('getMeta'),

    login: (alias: string, password: string) => call('createSession', { body: { alias, password } }),
    register: (body: {
      alias: string;
      firstName: string;
      lastName: string;
      password: string;
      image?: { type: ImageType; data: string };
    }) => call('registerUser', { body }),
    logout: () => call('deleteCurrentSession'),
    /** Deletes my account (the password confirms it); 204, then every token of mine gets 401. */
    deleteAccount: (password: string) => call('deleteMe', { body: { password } }),

    me: () => call('getMe'),
    /** My names and bio (fields left out stay as they are). */
    updateMe: (body: UpdateProfileRequest) => call('updateMe', { body }),
    /** Every other session of mine ends; this one stays signed in. */
    changePassword: (currentPassword: string, newPassword: string) =>
      call('updateMyPassword', { body: { currentPassword, newPassword } }),
    /** My data as one JSON document, as a Blob to save (never parsed here: it can be large). */
    exportData: () => client.call('getMyExport', { parseAs: 'blob' } as never) as unknown as Promise<Blob>,
    user: (alias: string) => call('getUser', { params: { path: { alias } } }),
    followers: (alias: string, cursor?: string | null): Promise<Page<User>> =>
      call('listFollowers', { params: { path: { alias }, query: page(cursor) } }),
    followees: (alias: string, cursor?: string | null): Promise<Page<User>> =>
      call('listFollowees', { params: { path: { alias }, query: page(cursor) } }),
    follow: (alias: string) => call('followUser', { params: { path: { alias } } }),
    unfollow: (alias: string) => call('unfollowUser', { params: { path: { alias } } }),
    /** Blocks or mutes alias (`on`), or undoes it; resolves with their profile as I now see it. */
    setRelation: (kind: RelationKind, alias: string, on: boolean): Promise<Profile> => {
      const path = { params: { path: { alias } } };
      if (kind === 'block') return on ? call('blockUser', path) : call('unblockUser', path);
      return on ? call('muteUser', path) : call('unmuteUser', path);
    },
    /** The accounts I block or mute, by alias. */
    relations: (kind: RelationKind, cursor?: string | null): Promise<Page<User>> =>
      kind === 'block'
        ? call('listBlocks', { params: { query: page(cursor) } })
        : call('listMutes', { params: { query: page(cursor) } }),
    /** People by alias, first or last name (prefix, any case and accents), best match first. */
    searchPeople: (q: string, cursor?: string | null): Promise<Page<Profile>> =>
      call('listUsersMatching', { params: { query: { q, ...page(cursor) } } }),
    /** People I may want to follow (followed by those I follow, then active accounts followed by many). */
    suggestions: (cursor?: string | null, limit?: number): Promise<Page<Profile>> =>
      call('listSuggestions', { params: { query: { ...page(cursor), ...(limit ? { limit } : {}) } } }),
    /** My notification groups, newest first; `types` keeps only those. */
    notifications: (types: readonly string[], cursor?: string | null): Promise<Page<NotificationGroup>> =>
      call('listNotifications', {
        params: { query: { ...page(cursor), ...(types.length > 0 ? { types: types.join(',') } : {}) } },
      }) as Promise<Page<NotificationGroup>>,
    unreadNotifications: () => call('getUnreadNotificationCount'),
    /** Marks read everything, or every group up to `upTo`. */
    markNotificationsRead: (upTo?: string) =>
      call('updateNotificationsRead', { body: upTo === undefined ? {} : { upTo } }),
    /** Replaces my profile picture (PNG, JPEG or WebP, at most 1 MiB); resolves with my user and its new imageUrl. */
    putAvatar: (image: Blob, type: ImageType) => client.putAvatar(image, type) as Promise<Result<'putAvatar'>>,

    /**
     * Uploads an image for a status (PNG, JPEG or WebP, at most 8 MiB); the server re-encodes it. A file over /meta's
     * `apiMaxBytes` where the server offers direct uploads (AWS) goes straight to storage with a signed PUT, then
     * waits for the server to decode it.
     */
    uploadMedia: async (image: Blob, type: ImageType, alt?: string): Promise<Media> => {
      meta ??= call('getMeta').catch(() => null);
      const known = await meta;
      if (uploadPath(known?.mediaUpload ?? null, image.size) === 'api') {
        return client.uploadMedia(image, type, alt) as Promise<Result<'createMedia'>>;
      }
      const ticket = await call('createMediaUpload', { body: { size: image.size, type } });
      const put = await (options.fetch ?? globalThis.fetch)(
        new Request(ticket.url, { method: ticket.method, headers: ticket.headers, body: image }),
      );
      if (!put.ok) throw new Error(`storage refused the upload (HTTP ${put.status})`);
      const path = { path: { id: ticket.id } };
      const done = await call('postMediaComplete', { params: path, body: alt ? { alt } : {} });
      if (done.state !== 'processing') return done;
      for (let i = 0; i < DIRECT_UPLOAD_WAIT.tries; i++) {
        await new Promise((r) => setTimeout(r, DIRECT_UPLOAD_WAIT.everyMs));
        try {
          return await call('getMedia', { params: path });
        } catch (err) {
          if (!(err instanceof TweeterApiError && err.status === 404)) throw err;
        }
      }
      throw new Error('the image could not be processed (not a PNG, JPEG or WebP the server can read?)');
    },
    setMediaAlt: (id: string, alt: string) => call('updateMedia', { params: { path: { id } }, body: { alt } }),
    postStatus: (post: string, idempotencyKey?: string, mediaIds: readonly string[] = []) =>
      call('postStatus', {
        body: mediaIds.length ? { post, mediaIds: [...mediaIds] } : { post },
        params: { header: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} },
      }),
    /** A reply to `inReplyToId`, or a quote of `quoteOfId`. */
    postRef: (post: string, ref: { inReplyToId: string } | { quoteOfId: string }) =>
      call('postStatus', { body: { post, ...ref }, params: { header: {} } }),
    status: (id: string) => call('getStatus', { params: { path: { id } } }),
    /** The thread around a status; with `cursor` (the last part's nextCursor) the next part of its descendants. */
    context: (id: string, cursor?: string) =>
      call('getStatusContext', { params: { path: { id }, ...(cursor === undefined ? {} : { query: { cursor } }) } }),
    deleteStatus: (id: string) => call('deleteStatus', { params: { path: { id } } }),
    delivery: (id: string) => call('getStatusDelivery', { params: { path: { id } } }),
    story: (alias: string, cursor?: string | null): Promise<Page<Status>> =>
      call('getStory', { params: { path: { alias }, query: page(cursor) } }),
    searchStatuses: (q: string, cursor?: string | null): Promise<Page<Status>> =>
      call('listStatusSearch', { params: { query: { q, ...page(cursor) } } }),
    tagStatuses: (tag: string, cursor?: string | null): Promise<Page<Status>> =>
      call('listTagStatuses', { params: { path: { tag }, query: page(cursor) } }),
    trends: () => call('listTrendingTags'),
    feed: (cursor?: string | null): Promise<Page<FeedItem>> => call('getHomeFeed', { params: { query: page(cursor) } }),
    /** Repost (on) or undo my repost; the status as I see it after. */
    repost: (id: string, on: boolean) =>
      call(on ? 'putStatusRepost' : 'deleteStatusRepost', { params: { path: { id } } }),
    reposters: (id: string, cursor?: string | null): Promise<Page<User>> =>
      call('listStatusReposts', { params: { path: { id }, query: page(cursor) } }),
    reactToStatus: (id: string, kind: ReactionKind, on: boolean) =>
      call(on ? 'putStatusReaction' : 'deleteStatusReaction', { params: { path: { id, kind } } }),

    comments: (statusId: string, cursor?: string | null): Promise<Page<Comment>> =>
      call('listComments', { params: { path: { id: statusId }, query: page(cursor) } }),
    addComment: (statusId: string, text: string) =>
      call('postComment', { params: { path: { id: statusId } }, body: { text } }),
    deleteComment: (id: string) => call('deleteComment', { params: { path: { id } } }),

    boards: (cursor?: string | null): Promise<Page<Board>> => call('listBoards', { params: { query: page(cursor) } }),
    board: (id: string) => call('getBoard', { params: { path: { id } } }),
    createBoard: (body: CreateBoardRequest) => call('createBoard', { body }),
    /** Owner only: name, description, retention (fields left out stay as they are). */
    updateBoard: (id: string, body: UpdateBoardRequest) => call('updateBoard', { params: { path: { id } }, body }),
    /** Owner only: the board's moderation log, newest first. */
    audit: (id: string, cursor?: string | null): Promise<Page<AuditEntry>> =>
      call('listBoardAudit', { params: { path: { id }, query: page(cursor) } }),
    members: (id: string, cursor?: string | null): Promise<Page<Member>> =>
      call('listBoardMembers', { params: { path: { id }, query: page(cursor) } }),
    setMember: (id: string, alias: string, role: Exclude<BoardRole, 'owner'>) =>
      call('putBoardMember', { params: { path: { id, alias } }, body: { role } }),
    removeMember: (id: string, alias: string) => call('deleteBoardMember', { params: { path: { id, alias } } }),
    messages: (id: string, q: { before?: string | null; after?: string | null } = {}): Promise<Page<Message>> =>
      call('listMessages', {
        params: {
          path: { id },
          query: { ...(q.before ? { before: q.before } : {}), ...(q.after ? { after: q.after } : {}) },
        },
      }),
    postMessage: (id: string, text: string) => call('postMessage', { params: { path: { id } }, body: { text } }),
    deleteMessage: (id: string, messageId: string) => call('deleteMessage', { params: { path: { id, messageId } } }),
    reactToMessage: (id: string, messageId: string, kind: ReactionKind, on: boolean) =>
      call(on ? 'putMessageReaction' : 'deleteMessageReaction', { params: { path: { id, messageId, kind } } }),
  };
}

export type Api = ReturnType<typeof createApi>;
