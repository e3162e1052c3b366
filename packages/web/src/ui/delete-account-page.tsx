import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { confirmsAlias, deleteAccount } from '../logic/delete-account.js';
import { Field, PasswordField } from './form-parts.js';
import { useMe, useServices } from './services.js';

/** Deleting my account: what happens, then my password and my alias typed out, then goodbye. */
export function DeleteAccountPage() {
  const services = useServices();
  const me = useMe();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const ready = password.length > 0 && confirmsAlias(typed, me.alias) && !busy;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    const result = await deleteAccount(
      { api: services.api, stream: services.stream, notify: services.toasts },
      password,
    );
    if (!result.ok) {
      setBusy(false);
      return;
    }
    // The goodbye screen forgets the session once it shows: signing out here would let the route guard, still on
    // this signed-in screen while the navigation is under way, send us to sign-in instead.
    navigate('/goodbye', { replace: true, state: { deleted: true } });
  }

  return (
    <section className="card" aria-labelledby="delete-title">
      <p className="muted">
        <Link to="/settings">Settings</Link>
      </p>
      <h1 id="delete-title">Delete account</h1>
      <p>Deleting your account cannot be undone. At once:</p>
      <ul>
        <li>you are signed out everywhere, and nobody can sign in as @{me.alias};</li>
        <li>your profile and your statuses are gone for everyone.</li>
      </ul>
      <p>Within a minute or so, the rest goes too:</p>
      <ul>
        <li>your statuses leave every feed, with the comments and reactions on them;</li>
        <li>your follows both ways, your reactions, comments and board messages;</li>
        <li>
          the boards you own pass to their longest-serving moderator, or are deleted with their messages when they have
          none;
        </li>
        <li>your profile picture.</li>
      </ul>
      <p>Nobody can register @{me.alias} for 30 days.</p>
      <form className="form" onSubmit={submit}>
        <PasswordField value={password} onChange={setPassword} />
        <Field
          label={<>Type your alias ({me.alias}) to confirm</>}
          name="confirm"
          autoCapitalize="none"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <button type="submit" className="danger" disabled={!ready}>
          {busy ? <span className="spinner" aria-label="Deleting" /> : 'Delete my account'}
        </button>
      </form>
    </section>
  );
}
