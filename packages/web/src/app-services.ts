import { QueryClient } from '@tanstack/react-query';
import { createApi, isTransient, type Api } from './api/client.js';
import { PendingPosts } from './logic/live-feed.js';
import { SessionStore, type SessionStorages } from './logic/session.js';
import { StreamClient, type WebSocketLike } from './logic/stream.js';
import { ToastStore } from './logic/toasts.js';

/** Everything the screens share, made once at start (and per test). */
export interface AppServices {
  api: Api;
  session: SessionStore;
  toasts: ToastStore;
  stream: StreamClient;
  /** New feed statuses waiting behind the "N new posts" banner. */
  pending: PendingPosts;
  queryClient: QueryClient;
}

export function createAppServices(opts: {
  baseUrl?: string;
  storages: SessionStorages;
  fetch?: (request: Request) => Promise<Response>;
  connect?: (url: string) => WebSocketLike;
}): AppServices {
  const toasts = new ToastStore();
  const pending = new PendingPosts();
  const session = new SessionStore(opts.storages);
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A refusal or a body that breaks the contract will say the same again; the client has already retried
        // a lost connection a few times quickly, this tries a little later.
        retry: (n, err) => n < 2 && isTransient(err),
      },
      mutations: { retry: false },
    },
  });
  const api = createApi({
    baseUrl: opts.baseUrl,
    getToken: session.token,
    fetch: opts.fetch,
    // A revoked or expired token: forget it; the route guard then asks to sign in again.
    onUnauthenticated: () => {
      if (session.get()) toasts.error('Your session has ended. Please sign in again.');
      session.signOut();
    },
  });
  let streamUrl: Promise<string> | null = null;
  const stream = new StreamClient({
    url: () => {
      streamUrl ??= api.meta().then(
        (m) => m.streamUrl,
        (err: unknown) => {
          streamUrl = null;
          throw err;
        },
      );
      return streamUrl;
    },
    token: session.token,
    connect: opts.connect ?? ((url) => new WebSocket(url) as unknown as WebSocketLike),
  });
  stream.onUnauthenticated(() => session.signOut());
  // The stream and the cache follow the session: a new user never sees the last one's data.
  let current = session.get()?.token ?? null;
  session.subscribe(() => {
    const token = session.get()?.token ?? null;
    if (token === current) return;
    current = token;
    stream.stop();
    queryClient.clear();
    pending.clear();
    if (token) stream.start();
  });
  if (current) stream.start();
  return { api, session, toasts, stream, queryClient, pending };
}
