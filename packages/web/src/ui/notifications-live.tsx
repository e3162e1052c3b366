import { useQuery, useQueryClient } from '@tanstack/react-query';
import { UnreadCount, type EventFrame } from '@tweeter/shared';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useServices } from './services.js';

const UNREAD = ['notifications', 'unread'] as const;
const BELL =
  'M12 22c1.1 0 2-.9 2-2h-4c0 1.1.89 2 2 2zm6-6v-5c0-3.07-1.64-5.64-4.5-6.32V4c0-.83-.67-1.5-1.5-1.5s-1.5.67-1.5 1.5v.68C7.63 5.36 6 7.92 6 11v5l-2 2v1h16v-1l-2-2z';

/**
 * While signed in: the `notifications` channel. The unread count comes live (`notifications.unread`, also when I
 * read on another device); a new `notification` refreshes the open notifications page. After a reconnect the count
 * is read again over REST (the stream never replays).
 */
export function useNotificationsLive(): void {
  const { stream } = useServices();
  const qc = useQueryClient();
  useEffect(() => {
    const unsubscribe = stream.subscribe('notifications');
    const offEvent = stream.onEvent((e: EventFrame) => {
      if (e.channel !== 'notifications') return;
      if (e.type === 'notifications.unread') {
        const count = UnreadCount.safeParse(e.data);
        if (count.success) qc.setQueryData(UNREAD, count.data);
      } else if (e.type === 'notification') {
        void qc.invalidateQueries({ queryKey: ['notifications', 'list'] });
      }
    });
    const offSync = stream.onSync(() => void qc.invalidateQueries({ queryKey: UNREAD }));
    return () => {
      unsubscribe();
      offEvent();
      offSync();
    };
  }, [stream, qc]);
}

/** The top bar's bell: a link to /notifications with the live unread count. */
export function NotificationBell() {
  const { api } = useServices();
  const q = useQuery({ queryKey: UNREAD, queryFn: () => api.unreadNotifications() });
  const count = q.data?.count ?? 0;
  const label = count === 0 ? 'Notifications' : `Notifications, ${count} unread`;
  return (
    <Link to="/notifications" className="bell" aria-label={label} data-testid="notification-bell">
      {/* Drawn inline (Material Icons' bell, Apache-2.0): emoji fonts are not on every system. */}
      <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path d={BELL} fill="currentColor" />
      </svg>
      {count > 0 && (
        <span className="bell-count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </Link>
  );
}
