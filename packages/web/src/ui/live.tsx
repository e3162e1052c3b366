import { useQueryClient } from '@tanstack/react-query';
import { FeedItem, Message, ReactionsUpdated, Status, type Board, type EventFrame, type Member } from '@tweeter/shared';
import { useEffect, useState } from 'react';
import {
  applyToBoard,
  applyToMembers,
  changedAlias,
  membershipChange,
  type MembershipChange,
} from '../logic/board-members.js';
import { patchItem } from '../logic/cache.js';
import { newerThanHeld } from '../logic/live-feed.js';
import { hasItem, prependItems, type Pages } from '../logic/pages.js';
import { withCounts } from '../logic/reactions.js';
import { useMe, useServices } from './services.js';

/**
 * While signed in: the `feed` channel. New statuses wait behind the banner; deleted ones leave
 * every list at once; reactions to my statuses update their counts. After every (re)connect the
 * feed's first page is read again, so nothing sent while away is missed.
 */
export function useFeedLive(): void {
  const { stream, api, pending } = useServices();
  const qc = useQueryClient();
  useEffect(() => {
    const unsubscribe = stream.subscribe('feed');
    const offEvent = stream.onEvent((e: EventFrame) => {
      if (e.channel !== 'feed') return;
      if (e.type === 'feed.status') {
        // A repost arrives as the status with repostedBy; a post without the repost fields.
        const item = FeedItem.safeParse(e.data);
        const s = item.success ? item : Status.safeParse(e.data);
        if (s.success) pending.offer([s.data], qc.getQueryData<Pages<Status>>(['feed']));
      } else if (e.type === 'feed.delete') {
        const id = (e.data as { id?: unknown }).id;
        if (typeof id === 'string') {
          pending.remove(id);
          patchItem(qc, { kind: 'status', id }, () => null);
        }
      } else if (e.type === 'status.updated') {
        // Its card arrived (or a count moved): take the new fields, keep my own reactions as I see them.
        const s = Status.safeParse(e.data);
        if (s.success) {
          const next = s.data;
          // repostedByMe is not taken: a push to many says false whoever reads it.
          const changed = { card: next.card, repostCount: next.repostCount };
          patchItem<Status>(qc, { kind: 'status', id: next.id }, (held) => ({ ...held, ...changed }));
          pending.update(next.id, (held) => ({ ...held, ...changed }));
        }
      } else if (e.type === 'reactions.updated') {
        const r = ReactionsUpdated.safeParse(e.data);
        if (r.success && r.data.target === 'status')
          patchItem<Status>(qc, { kind: 'status', id: r.data.id }, (s) => ({
            ...s,
            reactions: withCounts(s.reactions, r.data.reactions),
          }));
      }
    });
    const offSync = stream.onSync(() => {
      const held = qc.getQueryData<Pages<Status>>(['feed']);
      if (!held) return; // not read yet: the first read is fresh anyway
      api.feed().then(
        (page) => pending.offer(newerThanHeld(page.items, held), qc.getQueryData<Pages<Status>>(['feed'])),
        () => undefined, // the next sync tries again
      );
    });
    return () => {
      unsubscribe();
      offEvent();
      offSync();
    };
  }, [stream, api, pending, qc]);
}

/**
 * A board's channel while its page is open: messages appear in place, deletions and reactions update, and the
 * member list and my role follow membership changes. Returns true once I was removed from the board (or left
 * it) while the page was open, until I am a member again.
 */
export function useBoardLive(boardId: string, canRead: boolean): boolean {
  const { stream, api } = useServices();
  const me = useMe().alias;
  const qc = useQueryClient();
  const [removed, setRemoved] = useState(false);
  useEffect(() => setRemoved(false), [boardId]);
  useEffect(() => {
    if (!canRead) return;
    const channel = `board:${boardId}`;
    const key = ['messages', boardId];
    const unsubscribe = stream.subscribe(channel);
    const applyChange = (change: MembershipChange): void => {
      const members = qc.getQueryData<Pages<Member>>(['members', boardId]);
      if (members) qc.setQueryData(['members', boardId], applyToMembers(members, change));
      const board = qc.getQueryData<Board>(['board', boardId]);
      if (board) qc.setQueryData(['board', boardId], applyToBoard(board, change, me));
      const aboutMe = changedAlias(change) === me;
      if (aboutMe) setRemoved(change.kind === 'removed');
      // The member count comes from the server; a private board I was just removed from no longer answers.
      if (!(aboutMe && change.kind === 'removed' && board?.visibility === 'private'))
        void qc.invalidateQueries({ queryKey: ['board', boardId] });
      void qc.invalidateQueries({ queryKey: ['boards'] });
    };
    const offEvent = stream.onEvent((e) => {
      if (e.channel !== channel) return;
      const change = membershipChange(e);
      if (change) applyChange(change);
      else if (e.type === 'message.created' || e.type === 'message.deleted') {
        const m = Message.safeParse(e.data);
        if (!m.success) return;
        const held = qc.getQueryData<Pages<Message>>(key);
        if (!held) return;
        if (hasItem(held, m.data.id)) patchItem<Message>(qc, { kind: 'message', boardId, id: m.data.id }, () => m.data);
        else if (e.type === 'message.created') qc.setQueryData(key, prependItems(held, [m.data]));
      } else if (e.type === 'reactions.updated') {
        const r = ReactionsUpdated.safeParse(e.data);
        if (r.success && r.data.target === 'message')
          patchItem<Message>(qc, { kind: 'message', boardId, id: r.data.id }, (m) => ({
            ...m,
            reactions: withCounts(m.reactions, r.data.reactions),
          }));
      }
    });
    const offSync = stream.onSync(async () => {
      const read = qc.getQueryData<Pages<Message>>(key);
      if (!read) return; // not read yet: the first read is fresh anyway
      if (!read.pages[0]?.items.length) {
        // Read while the board was empty: what came since is its newest page (nothing to poll `?after=` from).
        const page = await api.messages(boardId).catch(() => null);
        const held = qc.getQueryData<Pages<Message>>(key);
        if (page && held) qc.setQueryData(key, prependItems(held, page.items));
        return;
      }
      // Catch up from the newest message held, oldest first, until a page is not full.
      let after = read.pages[0]?.items[0]?.id;
      while (after) {
        const page = await api.messages(boardId, { after }).catch(() => null);
        if (!page || !page.items.length) return;
        const held = qc.getQueryData<Pages<Message>>(key);
        if (held) qc.setQueryData(key, prependItems(held, page.items));
        after = page.nextCursor ?? undefined;
        if (page.items.length < 20) return;
      }
    });
    // Through API Gateway the revocation may overtake `member.removed`: it says the same about me.
    const offRevoked = stream.onRevoked((c) => {
      if (c === channel) applyChange({ kind: 'removed', alias: me });
    });
    return () => {
      unsubscribe();
      offEvent();
      offSync();
      offRevoked();
    };
  }, [stream, api, qc, boardId, canRead, me]);
  return removed;
}
