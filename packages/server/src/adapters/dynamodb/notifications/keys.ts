import { key, type Key } from '../client.js';

// Items (docs/aws.md): under `NOTIF#<recipient>`, the group `G#<groupKey>`, its unread marker `U#<groupKey>` and
// each actor entry `A#<groupKey>#<actor>`. gsi1 lists a recipient's groups by latestAt (`NOTIFS#<recipient>`) and a
// group's active actors by time (`NGRP#<recipient>#<groupKey>`); gsi2 finds the groups about a status
// (`NSTATUS#<id>`) and an actor's entries (`NACTOR#<actor>`).

export const pkOf = (recipient: string): string => key('NOTIF', recipient);
export const groupKeyOf = (recipient: string, groupKey: string): Key => ({ pk: pkOf(recipient), sk: `G#${groupKey}` });
export const unreadKeyOf = (recipient: string, groupKey: string): Key => ({ pk: pkOf(recipient), sk: `U#${groupKey}` });
export const entryKeyOf = (recipient: string, groupKey: string, actor: string): Key => ({
  pk: pkOf(recipient),
  sk: `A#${groupKey}#${actor}`,
});
/** Fixed-width time, so the index's string order is time order. */
export const pad = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(15, '0');
