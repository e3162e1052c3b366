import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { canSignIn } from '../logic/forms.js';
import { signIn } from '../logic/flows.js';
import { AuthFrame } from './auth-frame.js';
import { Field, PasswordField } from './form-parts.js';
import { useServices } from './services.js';

/** Where to go after signing in: the deep link that sent us here, if it is one of ours. */
export function nextPath(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/feed';
}

export function LoginPage() {
  const services = useServices();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [alias, setAlias] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!canSignIn(alias, password) || busy) return;
    setBusy(true);
    const result = await signIn(
      { api: services.api, session: services.session, notify: services.toasts },
      alias,
      password,
      remember,
    );
    setBusy(false);
    if (result.ok) navigate(nextPath(params.get('next')), { replace: true });
  }

  return (
    <AuthFrame title="Please Sign In">
      <form onSubmit={submit} className="form">
        <Field
          label="Alias"
          name="alias"
          autoComplete="username"
          autoCapitalize="none"
          value={alias}
          onChange={(e) => setAlias(e.target.value)}
        />
        <PasswordField value={password} onChange={setPassword} />
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember me
        </label>
        <button type="submit" className="primary" disabled={!canSignIn(alias, password) || busy}>
          {busy ? <span className="spinner" aria-label="Signing in" /> : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        Not registered? <Link to={`/register${params.size ? `?${params}` : ''}`}>Register</Link>
      </p>
    </AuthFrame>
  );
}
