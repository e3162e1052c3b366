import type { NotificationGroup, User } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { actorsText, notificationLink, notificationText } from '../src/logic/notifications.js';

const user = (alias: string, firstName: string, lastName = ''): User => ({
  alias,
  firstName,
  lastName,
  imageUrl: null,
});
const group = (over: Partial<NotificationGroup>): NotificationGroup => ({
  id: 'g',
  type: 'reaction',
  status: null,
  boardId: null,
  reactionKind: 'like',
  actors: [user('ada', 'Ada', 'Lovelace')],
  actorCount: 1,
  latestAt: 0,
  unread: true,
  ...over,
});

describe('notification sentences', () => {
  it('names the newest actor and counts the rest', () => {
    expect(actorsText(group({}))).toBe('Ada Lovelace');
    expect(actorsText(group({ actors: [user('ada', 'Ada'), user('bob', 'Bob')], actorCount: 2 }))).toBe('Ada and Bob');
    expect(actorsText(group({ actorCount: 42 }))).toBe('Ada Lovelace and 41 others');
    expect(actorsText(group({ actorCount: 2, actors: [user('ada', 'Ada')] }))).toBe('Ada and 1 other');
    // Actors hidden at read time (deleted, blocked): the count still says how many.
    expect(actorsText(group({ actors: [], actorCount: 3 }))).toBe('3 people');
  });

  it('says what happened, per type and reaction kind', () => {
    expect(notificationText(group({ actorCount: 42 }))).toBe('Ada Lovelace and 41 others liked your post');
    expect(notificationText(group({ reactionKind: 'heart', boardId: 'b1' }))).toBe('Ada Lovelace hearted your message');
    expect(notificationText(group({ type: 'follow', reactionKind: null }))).toBe('Ada Lovelace followed you');
    expect(notificationText(group({ type: 'repost', reactionKind: null }))).toBe('Ada Lovelace reposted your post');
    expect(notificationText(group({ type: 'board.added', reactionKind: null }))).toBe(
      'Ada Lovelace added you to a board',
    );
  });

  it('links to the status, else the board, else the newest actor', () => {
    expect(notificationLink(group({ boardId: 'b1' }))).toBe('/boards/b1');
    expect(notificationLink(group({ type: 'follow' }))).toBe('/users/ada');
  });
});
