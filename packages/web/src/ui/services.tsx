import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AppServices } from '../app-services.js';
import type { Observable } from '../logic/store.js';

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside <ServicesContext>');
  return s;
}

export function useObservable<T>(o: Observable<T>): T {
  return useSyncExternalStore(o.subscribe, o.get, o.get);
}

/** The signed-in session; screens under <RequireAuth> may assume it. */
export function useSession() {
  const { session } = useServices();
  return useObservable(session);
}

export function useMe() {
  const s = useSession();
  if (!s) throw new Error('useMe while signed out');
  return s.user;
}
