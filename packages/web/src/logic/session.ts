import { AuthResponse, type User } from '@tweeter/shared';
import { Observable } from './store.js';

export interface Session {
  token: string;
  user: User;
  expiresAt: string;
}

const KEY = 'tweeter.session';

/** Where a session is kept: localStorage survives a browser restart ("Remember me"), sessionStorage does not. */
export interface SessionStorages {
  persistent: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  tab: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

/** The signed-in user and their token, restored from storage at start; null when signed out. */
export class SessionStore extends Observable<Session | null> {
  constructor(
    private readonly storages: SessionStorages,
    private readonly now: () => number = Date.now,
  ) {
    super(null);
    this.set(this.restore());
  }

  private restore(): Session | null {
    for (const s of [this.storages.tab, this.storages.persistent]) {
      const raw = s.getItem(KEY);
      if (!raw) continue;
      try {
        const parsed = AuthResponse.safeParse(JSON.parse(raw));
        if (parsed.success && Date.parse(parsed.data.expiresAt) > this.now()) return parsed.data;
      } catch {
        // A damaged entry is as good as none.
      }
      s.removeItem(KEY);
    }
    return null;
  }

  /** Starts a session; `remember` keeps it across browser restarts. */
  signIn(session: Session, remember: boolean): void {
    this.clearStorage();
    (remember ? this.storages.persistent : this.storages.tab).setItem(KEY, JSON.stringify(session));
    this.set(session);
  }

  /** Updates the stored user (after a profile change) without changing where it is kept. */
  updateUser(user: User): void {
    const current = this.get();
    if (!current) return;
    const next = { ...current, user };
    for (const s of [this.storages.tab, this.storages.persistent])
      if (s.getItem(KEY)) s.setItem(KEY, JSON.stringify(next));
    this.set(next);
  }

  signOut(): void {
    this.clearStorage();
    this.set(null);
  }

  token = (): string | null => this.get()?.token ?? null;

  private clearStorage(): void {
    this.storages.tab.removeItem(KEY);
    this.storages.persistent.removeItem(KEY);
  }
}
