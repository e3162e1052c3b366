import { performance } from 'node:perf_hooks';
import { NOTIFICATIONS_CHANNEL } from '../domain/notification-groups.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { NotificationRepo, NotificationViews } from '../ports/store.js';

export interface NotifyPushesDeps {
  notifications: Pick<NotificationRepo, 'get' | 'unreadCount'>;
  presenter: NotificationViews;
  realtime: Pick<Realtime, 'toUsers' | 'reaches'>;
  clock: Clock;
  retentionMs: number;
  /**
   * The least time between two pushes (0: at the end of each batch). A burst of likes on one status arrives as many
   * small batches; what they touch within the window is read and sent once when it ends. 0 where nothing may run
   * after the batch (a Lambda invocation is frozen once it returns).
   */
  windowMs: number;
}

/**
 * The notify stage's live pushes: a touched group as a `notification` frame, a recipient's exact unread count as
 * `notifications.unread`. Both are read when sent (not when marked), so a push always carries the group and the
 * count as they stand then; marking the same group or recipient again within the window costs nothing more.
 * Best effort, like every live push: the writes are already committed, and a client that missed a frame reads the
 * count and the page when it connects.
 */
export class NotifyPushes {
  /** Groups to push, by recipient and key: `show` false once the newest change in the window took an actor out. */
  private readonly groups = new Map<string, { recipient: string; groupKey: string; show: boolean }>();
  private readonly recipients = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = -Infinity;

  constructor(private readonly deps: NotifyPushesDeps) {}

  /** A group changed: `show` (an add) pushes it, a retraction only the count. */
  group(recipient: string, groupKey: string, show: boolean): void {
    this.groups.set(`${recipient}\n${groupKey}`, { recipient, groupKey, show });
    this.recipients.add(recipient);
  }

  /** The recipient's unread count may have changed. */
  unread(recipient: string): void {
    this.recipients.add(recipient);
  }

  /**
   * After a batch: pushes now when nothing was pushed within the window (a single like is not delayed), else once
   * the window since the last push is over (one timer for everything marked meanwhile). No window: pushes now.
   */
  async settle(): Promise<void> {
    if (this.groups.size === 0 && this.recipients.size === 0) return;
    const wait = this.lastFlush + this.deps.windowMs - performance.now();
    if (this.deps.windowMs <= 0 || (wait <= 0 && this.timer === null)) return this.flush();
    if (this.timer !== null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        // A failed read (the store closing at shutdown) loses only these frames: the data is written.
        this.flush().catch(() => undefined);
      },
      Math.max(wait, 0),
    );
    // A pending push never keeps the process alive.
    this.timer.unref();
  }

  /** Pushes everything marked so far, to the recipients who may be connected (nothing is read for the others). */
  async flush(): Promise<void> {
    this.lastFlush = performance.now();
    const connected = (recipient: string): boolean => this.deps.realtime.reaches?.([recipient]) !== false;
    const groups = [...this.groups.values()];
    const recipients = [...this.recipients].filter(connected);
    this.groups.clear();
    this.recipients.clear();
    for (const { recipient, groupKey, show } of groups) {
      if (!show || !connected(recipient)) continue;
      const group = await this.deps.notifications.get(recipient, groupKey);
      if (!group) continue; // its last actor was taken out meanwhile
      const [data] = await this.deps.presenter.present(recipient, [group]);
      if (data) this.deps.realtime.toUsers([recipient], { type: 'notification', channel: NOTIFICATIONS_CHANNEL, data });
    }
    const since = this.deps.clock.now() - this.deps.retentionMs;
    for (const recipient of recipients) {
      const count = await this.deps.notifications.unreadCount(recipient, since);
      this.deps.realtime.toUsers([recipient], {
        type: 'notifications.unread',
        channel: NOTIFICATIONS_CHANNEL,
        data: { count },
      });
    }
  }
}
