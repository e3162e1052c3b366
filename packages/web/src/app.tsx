import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { AppServices } from './app-services.js';
import { Layout } from './ui/layout.js';
import { LoginPage } from './ui/login-page.js';
import { ServicesContext, useSession } from './ui/services.js';

// The signed-out screens and the feed come with the first load; the rest load when first opened.
const RegisterPage = lazy(() => import('./ui/register-page.js').then((m) => ({ default: m.RegisterPage })));
const FeedPage = lazy(() => import('./ui/feed-page.js').then((m) => ({ default: m.FeedPage })));
const UserPage = lazy(() => import('./ui/user-page.js').then((m) => ({ default: m.UserPage })));
const StatusPage = lazy(() => import('./ui/status-page.js').then((m) => ({ default: m.StatusPage })));
const BoardsPage = lazy(() => import('./ui/boards-page.js').then((m) => ({ default: m.BoardsPage })));
const BoardPage = lazy(() => import('./ui/board-page.js').then((m) => ({ default: m.BoardPage })));
const SettingsPage = lazy(() => import('./ui/settings-page.js').then((m) => ({ default: m.SettingsPage })));
const NotificationsPage = lazy(() =>
  import('./ui/notifications-page.js').then((m) => ({ default: m.NotificationsPage })),
);
const RelationsPage = lazy(() => import('./ui/relations-page.js').then((m) => ({ default: m.RelationsPage })));
const DeleteAccountPage = lazy(() =>
  import('./ui/delete-account-page.js').then((m) => ({ default: m.DeleteAccountPage })),
);
const TagPage = lazy(() => import('./ui/tag-page.js').then((m) => ({ default: m.TagPage })));
const SearchPage = lazy(() => import('./ui/search-page.js').then((m) => ({ default: m.SearchPage })));
const GoodbyePage = lazy(() => import('./ui/goodbye-page.js').then((m) => ({ default: m.GoodbyePage })));
const BoardSettingsPage = lazy(() =>
  import('./ui/board-settings-page.js').then((m) => ({ default: m.BoardSettingsPage })),
);

/** Signed-out visitors of a deep link go to sign-in, which brings them back here. */
function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    // The home screen needs no round trip through `next`.
    const home = next === '/' || next === '/feed';
    return <Navigate to={home ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

function SignedOutOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  return session ? <Navigate to="/feed" replace /> : <>{children}</>;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<p className="loading">Loading...</p>}>
      <Routes>
        <Route
          path="/login"
          element={
            <SignedOutOnly>
              <LoginPage />
            </SignedOutOnly>
          }
        />
        <Route
          path="/register"
          element={
            <SignedOutOnly>
              <RegisterPage />
            </SignedOutOnly>
          }
        />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route path="/feed" element={<FeedPage />} />
          <Route path="/users/:alias" element={<UserPage tab="story" />} />
          <Route path="/users/:alias/followees" element={<UserPage tab="followees" />} />
          <Route path="/users/:alias/followers" element={<UserPage tab="followers" />} />
          <Route path="/statuses/:id" element={<StatusPage />} />
          <Route path="/tags/:tag" element={<TagPage />} />
          <Route path="/search" element={<SearchPage />} />
          <Route path="/boards" element={<BoardsPage />} />
          <Route path="/boards/:id" element={<BoardPage />} />
          <Route path="/boards/:id/settings" element={<BoardSettingsPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/settings/blocks" element={<RelationsPage kind="block" />} />
          <Route path="/settings/mutes" element={<RelationsPage kind="mute" />} />
          <Route path="/settings/delete" element={<DeleteAccountPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="/goodbye" element={<GoodbyePage />} />
        <Route path="/" element={<Navigate to="/feed" replace />} />
      </Routes>
    </Suspense>
  );
}

function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
    </section>
  );
}

export function AppProviders({ services, children }: { services: AppServices; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={services.queryClient}>{children}</QueryClientProvider>
    </ServicesContext.Provider>
  );
}
