import type { Board, Message, Page, Reactions } from '@tweeter/shared';
import type { LightMyRequestResponse } from 'fastify';
import type { Realtime, RealtimeEvent } from '../../src/ports/realtime.js';
import type { TestApp } from './test-app.js';

/**
 * A Realtime that records what the services push: `to` is the users for toUsers, null for toChannel, and
 * `followersOf` the author for toFollowersOf.
 */
export class RecordingRealtime implements Realtime {
  readonly events: { to: string[] | null; followersOf?: string; event: RealtimeEvent }[] = [];

  toUsers(aliases: readonly string[], event: RealtimeEvent): void {
    this.events.push({ to: [...aliases], event });
  }

  toFollowersOf(author: string, event: RealtimeEvent): void {
    this.events.push({ to: null, followersOf: author, event });
  }

  toChannel(event: RealtimeEvent): void {
    this.events.push({ to: null, event });
  }

  readonly revoked: { alias: string; channel: string }[] = [];

  revoke(alias: string, channel: string): void {
    this.revoked.push({ alias, channel });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  ofType(type: string): { to: string[] | null; followersOf?: string; event: RealtimeEvent }[] {
    return this.events.filter((e) => e.event.type === type);
  }
}

function ok<T>(res: LightMyRequestResponse, status: number, what: string): T {
  if (res.statusCode !== status) throw new Error(`${what}: expected ${status}, got ${res.statusCode} ${res.body}`);
  return res.json<T>();
}

/** Short calls for the board, message and reaction routes (asserting success where the name says so). */
export function socialApi(t: TestApp) {
  const api = {
    createBoard: async (token: string, body: Record<string, unknown> = {}): Promise<Board> =>
      ok<Board>(
        await t.as(token, {
          method: 'POST',
          url: '/api/v1/boards',
          payload: { name: 'b', visibility: 'public', ...body },
        }),
        201,
        'create board',
      ),
    putMember: (token: string, boardId: string, alias: string, role: string = 'member') =>
      t.as(token, { method: 'PUT', url: `/api/v1/boards/${boardId}/members/${alias}`, payload: { role } }),
    removeMember: (token: string, boardId: string, alias: string) =>
      t.as(token, { method: 'DELETE', url: `/api/v1/boards/${boardId}/members/${alias}` }),
    getBoard: (token: string, boardId: string) => t.as(token, { method: 'GET', url: `/api/v1/boards/${boardId}` }),
    post: (token: string, boardId: string, text: string, topic?: string) =>
      t.as(token, {
        method: 'POST',
        url: `/api/v1/boards/${boardId}/messages`,
        payload: topic === undefined ? { text } : { text, topic },
      }),
    postOk: async (token: string, boardId: string, text: string, topic?: string): Promise<Message> =>
      ok<Message>(await api.post(token, boardId, text, topic), 201, 'post message'),
    messages: (token: string, boardId: string, query = '') =>
      t.as(token, { method: 'GET', url: `/api/v1/boards/${boardId}/messages${query}` }),
    messagesOk: async (token: string, boardId: string, query = ''): Promise<Page<Message>> =>
      ok<Page<Message>>(await api.messages(token, boardId, query), 200, 'list messages'),
    deleteMessage: (token: string, boardId: string, messageId: string) =>
      t.as(token, { method: 'DELETE', url: `/api/v1/boards/${boardId}/messages/${messageId}` }),
    reactMessage: (token: string, boardId: string, messageId: string, kind: string, method: 'PUT' | 'DELETE' = 'PUT') =>
      t.as(token, { method, url: `/api/v1/boards/${boardId}/messages/${messageId}/reactions/${kind}` }),
    reactStatus: (token: string, statusId: string, kind: string, method: 'PUT' | 'DELETE' = 'PUT') =>
      t.as(token, { method, url: `/api/v1/statuses/${statusId}/reactions/${kind}` }),
    reactionsOf: (res: LightMyRequestResponse): Reactions => ok<Reactions>(res, 200, 'react'),
  };
  return api;
}
