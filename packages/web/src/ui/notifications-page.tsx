import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import type { NotificationGroup } from '@tweeter/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client.js';
import { NOTIFICATION_FILTERS, notificationLink, notificationText } from '../logic/notifications.js';
import { fullTime, shortTime } from '../logic/time.js';
import { Avatar } from './avatar.js';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';

function Group({ group }: { group: NotificationGroup }) {
  return (
    <Link
      to={notificationLink(group)}
      className={group.unread ? 'notification unread' : 'notification'}
      data-testid="notification"
    >
      <span className="notification-actors">
        {group.actors.map((u) => (
          <Avatar key={u.alias} user={u} size={32} />
        ))}
      </span>
      <span className="notification-text">
        {group.unread && <span className="visually-hidden">Unread: </span>}
        {notificationText(group)}
        {group.status && <span className="notification-post"> “{group.status.post}”</span>}
      </span>
      <time
        className="muted"
        dateTime={new Date(group.latestAt).toISOString()}
        title={fullTime(new Date(group.latestAt).toISOString())}
      >
        {shortTime(new Date(group.latestAt).toISOString())}
      </time>
    </Link>
  );
}

/** /notifications: my groups, newest first, filtered by type, with "Mark all read". */
export function NotificationsPage() {
  const { api, toasts } = useServices();
  const qc = useQueryClient();
  const [filter, setFilter] = useState('all');
  const types = NOTIFICATION_FILTERS.find((f) => f.id === filter)?.types ?? [];
  const query = useInfiniteQuery({
    queryKey: ['notifications', 'list', filter],
    queryFn: ({ pageParam }) => api.notifications(types, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

  async function markAllRead() {
    try {
      await api.markNotificationsRead();
      qc.setQueryData(['notifications', 'unread'], { count: 0 });
      await qc.invalidateQueries({ queryKey: ['notifications', 'list'] });
    } catch (err) {
      toasts.error(`Failed to mark notifications read because of exception: ${errorMessage(err)}`);
    }
  }

  return (
    <>
      <div className="notifications-head">
        <h1>Notifications</h1>
        <button type="button" onClick={() => void markAllRead()}>
          Mark all read
        </button>
      </div>
      <div role="group" aria-label="Show" className="notification-filters">
        {NOTIFICATION_FILTERS.map((f) => (
          <button key={f.id} type="button" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
            {f.label}
          </button>
        ))}
      </div>
      <InfiniteList
        query={query}
        label="Notifications"
        what="notifications"
        empty="Nothing here yet."
        render={(g) => <Group group={g} />}
      />
    </>
  );
}
