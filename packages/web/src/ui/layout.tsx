import { Link, NavLink, Outlet, useMatch, useNavigate } from 'react-router';
import { logOut } from '../logic/flows.js';
import { useFeedLive } from './live.js';
import { NotificationBell, useNotificationsLive } from './notifications-live.js';
import { SearchBox } from './search-box.js';
import { useMe, useObservable, useServices } from './services.js';
import { Toasts } from './toasts.js';

/**
 * The top bar (Feed / Story / Followees / Followers / Boards / the search box / the notification bell / Settings /
 * Logout), the toasts, the screen.
 */
export function Layout() {
  const services = useServices();
  const me = useMe();
  const navigate = useNavigate();
  const streamStatus = useObservable(services.stream.status);
  // Story, Followees and Followers are those of the user on screen (or mine elsewhere), as in the course's app.
  const onUser = useMatch('/users/:alias/*');
  const shown = onUser?.params.alias ?? me.alias;
  useFeedLive();
  useNotificationsLive();

  async function logout() {
    await logOut({ api: services.api, session: services.session, notify: services.toasts });
    navigate('/login', { replace: true });
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/feed" className="brand">
          Tweeter
        </Link>
        <nav aria-label="Main">
          <NavLink to="/feed">Feed</NavLink>
          <NavLink to={`/users/${shown}`} end>
            Story
          </NavLink>
          <NavLink to={`/users/${shown}/followees`}>Followees</NavLink>
          <NavLink to={`/users/${shown}/followers`}>Followers</NavLink>
          <NavLink to="/boards">Boards</NavLink>
          <NotificationBell />
          <NavLink to="/settings">Settings</NavLink>
          <button type="button" className="link-button" onClick={() => void logout()}>
            Logout
          </button>
        </nav>
        <SearchBox />
        {streamStatus === 'reconnecting' && (
          <span className="stream-state" role="status">
            Reconnecting…
          </span>
        )}
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Toasts />
        <Outlet />
      </main>
    </div>
  );
}
