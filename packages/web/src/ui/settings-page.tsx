import { Link } from 'react-router';

/** My settings: one section per setting; the links lead to the pages of their own. */
export function SettingsPage() {
  return (
    <section className="card">
      <h1>Settings</h1>
      <nav aria-label="More settings">
        <ul>
          <li>
            <Link to="/settings/delete">Delete account</Link>
          </li>
        </ul>
      </nav>
    </section>
  );
}
