import type { AuditEntry, Board, Comment, Message } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { describeAudit, settingsChanges, settingsFields } from '../src/logic/board-settings.js';
import { deletedText, markDeleted, mayDeleteComment, mayDeleteMessage } from '../src/logic/thread.js';
import { ADA, status } from './support.js';

const BOB = { alias: 'bob', firstName: 'Bob', lastName: 'Builder', imageUrl: null };
const REACTIONS = { like: 0, heart: 0, mine: [] };
const message: Message = {
  id: 'm1',
  boardId: 'b1',
  author: BOB,
  topic: null,
  text: 'hi',
  createdAt: '2026-11-30T00:00:00.000Z',
  reactions: REACTIONS,
  deleted: false,
};
const comment: Comment = {
  id: 'c1',
  statusId: 's1',
  author: BOB,
  text: 'nice',
  createdAt: message.createdAt,
  deleted: false,
};
const board: Board = {
  id: 'b1',
  name: 'Design',
  description: 'Reviews',
  visibility: 'public',
  owner: ADA,
  memberCount: 2,
  myRole: 'owner',
  retentionDays: null,
  createdAt: message.createdAt,
};

describe('threads (board messages and status comments)', () => {
  it('offers delete to the author, and to the board owner and moderators for messages', () => {
    expect(mayDeleteMessage('bob', message, 'member')).toBe(true);
    expect(mayDeleteMessage('carol', message, 'member')).toBe(false);
    expect(mayDeleteMessage('carol', message, null)).toBe(false);
    expect(mayDeleteMessage('carol', message, 'moderator')).toBe(true);
    expect(mayDeleteMessage('ada', message, 'owner')).toBe(true);
  });

  it('offers delete to a comment author and to the author of the status', () => {
    const onAdas = status('s1', 'post', ADA);
    expect(mayDeleteComment('bob', comment, onAdas)).toBe(true);
    expect(mayDeleteComment('ada', comment, onAdas)).toBe(true);
    expect(mayDeleteComment('carol', comment, onAdas)).toBe(false);
  });

  it('keeps a deleted entry in place without its text', () => {
    expect(markDeleted(message)).toEqual({ ...message, deleted: true, text: '' });
    expect(markDeleted(comment)).toMatchObject({ id: 'c1', deleted: true, text: '' });
    expect(deletedText('message')).toBe('This message was deleted.');
    expect(deletedText('comment')).toBe('This comment was deleted.');
  });
});

describe('board settings', () => {
  it('sends only what changed, trimmed; an empty retention keeps messages forever', () => {
    const fields = settingsFields(board);
    expect(fields).toEqual({ name: 'Design', description: 'Reviews', retentionDays: '' });
    expect(settingsChanges(board, fields)).toEqual({ changes: {}, problems: [] });
    expect(settingsChanges(board, { ...fields, name: ' Design ' }).changes).toEqual({});
    expect(settingsChanges(board, { ...fields, name: ' Design team ', retentionDays: ' 7 ' })).toEqual({
      changes: { name: 'Design team', retentionDays: 7 },
      problems: [],
    });
    const kept = { ...board, retentionDays: 30 };
    expect(settingsFields(kept).retentionDays).toBe('30');
    expect(settingsChanges(kept, { ...settingsFields(kept), retentionDays: '' }).changes).toEqual({
      retentionDays: null,
    });
    expect(settingsChanges(board, { ...fields, description: '' }).changes).toEqual({ description: '' });
  });

  it('says what the server would refuse, with the shared limits', () => {
    const fields = settingsFields(board);
    expect(settingsChanges(board, { ...fields, name: '   ' }).problems).toEqual([
      'The name must be 1 to 80 characters',
    ]);
    expect(settingsChanges(board, { ...fields, name: 'x'.repeat(81) }).problems).toEqual([
      'The name must be 1 to 80 characters',
    ]);
    // Counted as the server counts: one emoji is one character.
    expect(settingsChanges(board, { ...fields, name: '🎉'.repeat(80) }).problems).toEqual([]);
    expect(settingsChanges(board, { ...fields, description: 'd'.repeat(501) }).problems).toEqual([
      'The description must be at most 500 characters',
    ]);
    for (const bad of ['0', '3651', '1.5', '-3', 'ten'])
      expect(settingsChanges(board, { ...fields, retentionDays: bad }).problems).toEqual([
        'Keep messages for 1 to 3650 days, or leave it empty to keep them forever',
      ]);
    expect(settingsChanges(board, { ...fields, retentionDays: '3650' }).problems).toEqual([]);
  });

  it('tells each audit entry as a sentence', () => {
    const entry = (action: AuditEntry['action'], target: string, detail: AuditEntry['detail']): AuditEntry => ({
      id: 'a',
      actor: ADA,
      action,
      target,
      detail,
      createdAt: message.createdAt,
    });
    expect(describeAudit(entry('member.add', 'bob', { role: 'moderator' }))).toBe('@ada added @bob as moderator');
    expect(describeAudit(entry('member.role', 'bob', { from: 'member', to: 'moderator' }))).toBe(
      '@ada made @bob a moderator (was member)',
    );
    expect(describeAudit(entry('member.remove', 'bob', { role: 'member' }))).toBe('@ada removed @bob (member)');
    expect(describeAudit(entry('message.delete', 'm1', { author: 'bob' }))).toBe('@ada deleted a message by @bob');
    expect(describeAudit(entry('comment.delete', 'c1', { author: 'bob' }))).toBe('@ada deleted a comment by @bob');
    expect(describeAudit(entry('board.retention', 'b1', { from: null, to: 1 }))).toBe(
      '@ada changed how long messages are kept from forever to 1 day',
    );
  });
});
