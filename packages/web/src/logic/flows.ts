import type { Profile, Status, User } from '@tweeter/shared';
import { errorMessage, type Api } from '../api/client.js';
import { imageProblem, isImageType } from './forms.js';
import type { Session, SessionStore } from './session.js';
import type { Notifier } from './toasts.js';

/** The course's failure wording: "Failed to <what> because of exception: <the server's message>". */
export function failure(what: string, err: unknown): string {
  return `Failed to ${what} because of exception: ${errorMessage(err)}`;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

type AuthDeps = { api: Api; session: SessionStore; notify: Notifier };

/** Runs a sign-in or registration call; on success the session is stored (remembered or not). */
async function startSession(
  deps: AuthDeps,
  what: string,
  call: () => Promise<Session>,
  remember: boolean,
): Promise<Outcome<Session>> {
  try {
    const auth = await call();
    deps.session.signIn(auth, remember);
    return { ok: true, value: auth };
  } catch (err) {
    const message = failure(what, err);
    deps.notify.error(message);
    return { ok: false, message };
  }
}

/** Signs in with alias and password. */
export function signIn(deps: AuthDeps, alias: string, password: string, remember: boolean): Promise<Outcome<Session>> {
  return startSession(deps, 'log user in', () => deps.api.login(alias.trim(), password), remember);
}

/** Registers (names and alias trimmed) and signs in. */
export function register(
  deps: AuthDeps,
  fields: Parameters<Api['register']>[0],
  remember: boolean,
): Promise<Outcome<Session>> {
  const trimmed = {
    ...fields,
    alias: fields.alias.trim(),
    firstName: fields.firstName.trim(),
    lastName: fields.lastName.trim(),
  };
  return startSession(deps, 'register user', () => deps.api.register(trimmed), remember);
}

/** "Logging Out...", then the token is revoked and the session forgotten (even if the server is unreachable). */
export async function logOut(deps: AuthDeps): Promise<Outcome<null>> {
  const toast = deps.notify.info('Logging Out...');
  try {
    await deps.api.logout();
    return { ok: true, value: null };
  } catch (err) {
    // A token the server no longer knows is as signed out as it gets; anything else is worth saying.
    const message = failure('log user out', err);
    deps.notify.error(message);
    return { ok: false, message };
  } finally {
    deps.notify.dismiss(toast);
    deps.session.signOut();
  }
}

/**
 * The posting flow: "Posting status..." while it goes, "Status posted!" when the server has it,
 * and the failure with the server's message otherwise. The caller clears the box only on success.
 * One idempotency key per attempt text, so a retry after a lost answer never posts twice.
 */
export class PostingFlow {
  private key: { text: string; value: string } | null = null;
  constructor(private readonly deps: { api: Api; notify: Notifier; newKey?: () => string }) {}

  /** Posts `text` (with images already uploaded, by id); resolves with the status or the message shown. */
  async post(text: string, mediaIds: readonly string[] = []): Promise<Outcome<Status>> {
    const post = text.trim();
    const what = `${post}\n${mediaIds.join(',')}`;
    if (this.key?.text !== what) this.key = { text: what, value: (this.deps.newKey ?? randomKey)() };
    const toast = this.deps.notify.info('Posting status...');
    try {
      const status = await this.deps.api.postStatus(post, this.key.value, mediaIds);
      this.key = null;
      this.deps.notify.dismiss(toast);
      this.deps.notify.success('Status posted!');
      return { ok: true, value: status };
    } catch (err) {
      this.deps.notify.dismiss(toast);
      const message = failure('post the status', err);
      this.deps.notify.error(message);
      return { ok: false, message };
    }
  }
}

function randomKey(): string {
  return globalThis.crypto.randomUUID();
}

/** Follow or unfollow with the course's toasts; resolves with the fresh profile. */
export async function setFollowing(
  deps: { api: Api; notify: Notifier },
  user: Profile,
  follow: boolean,
): Promise<Outcome<Profile>> {
  const name = `${user.firstName} ${user.lastName}`;
  const toast = deps.notify.info(follow ? `Following ${name}...` : `Unfollowing ${name}...`);
  try {
    const profile = follow ? await deps.api.follow(user.alias) : await deps.api.unfollow(user.alias);
    return { ok: true, value: profile };
  } catch (err) {
    const message = failure(follow ? 'follow user' : 'unfollow user', err);
    deps.notify.error(message);
    return { ok: false, message };
  } finally {
    deps.notify.dismiss(toast);
  }
}

/**
 * Changes my profile picture: the file is checked against the server's limits first (type, 1 MiB), then
 * uploaded; on success the session's user takes the new imageUrl (the caller refreshes what it shows).
 */
export async function changePicture(deps: AuthDeps, file: Blob): Promise<Outcome<User>> {
  const problem = imageProblem(file);
  if (problem || !isImageType(file.type)) {
    const message = problem ?? 'The picture must be a PNG, JPEG or WebP image';
    deps.notify.error(message);
    return { ok: false, message };
  }
  const toast = deps.notify.info('Uploading picture...');
  try {
    const user = await deps.api.putAvatar(file, file.type);
    deps.session.updateUser(user);
    deps.notify.success('Profile picture updated!');
    return { ok: true, value: user };
  } catch (err) {
    const message = failure('change the profile picture', err);
    deps.notify.error(message);
    return { ok: false, message };
  } finally {
    deps.notify.dismiss(toast);
  }
}
