import { Link } from 'react-router';

/** /settings: my account's settings, each section its own page reached from here. */
export function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <nav aria-label="More settings" className="card">
        <ul className="relation-list">
          <li>
            <Link to="/settings/blocks">Blocked accounts</Link>
          </li>
          <li>
            <Link to="/settings/mutes">Muted accounts</Link>
          </li>
          <li>
            <Link to="/settings/delete">Delete account</Link>
          </li>
        </ul>
      </nav>
    </>
  );
}
