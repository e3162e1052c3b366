import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { ImageType } from '@tweeter/shared';
import { canRegister, imageProblem, isImageType, registerProblems } from '../logic/forms.js';
import { register } from '../logic/flows.js';
import { AuthFrame } from './auth-frame.js';
import { nextPath } from './login-page.js';
import { useServices } from './services.js';

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

export function RegisterPage() {
  const services = useServices();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [fields, setFields] = useState({ firstName: '', lastName: '', alias: '', password: '' });
  const [picture, setPicture] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [pictureError, setPictureError] = useState<string | null>(null);
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const problems = registerProblems(fields);

  useEffect(() => {
    if (!picture) return setPreview(null);
    const url = URL.createObjectURL(picture);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [picture]);

  const field = (name: keyof typeof fields) => ({
    name,
    value: fields[name],
    onChange: (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value })),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!canRegister(fields) || problems.length || pictureError || busy) return;
    setBusy(true);
    let image: { type: ImageType; data: string } | undefined;
    if (picture && isImageType(picture.type)) image = { type: picture.type, data: await readBase64(picture) };
    const result = await register(
      { api: services.api, session: services.session, notify: services.toasts },
      { ...fields, image },
      remember,
    );
    setBusy(false);
    if (result.ok) navigate(nextPath(params.get('next')), { replace: true });
  }

  return (
    <AuthFrame title="Please Register">
      <form onSubmit={submit} className="form">
        <label>
          First Name
          <input autoComplete="given-name" {...field('firstName')} />
        </label>
        <label>
          Last Name
          <input autoComplete="family-name" {...field('lastName')} />
        </label>
        <label>
          Alias
          <input autoComplete="username" autoCapitalize="none" {...field('alias')} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="new-password" {...field('password')} />
        </label>
        <label>
          Profile picture (optional)
          <input
            type="file"
            name="picture"
            accept="image/png,image/jpeg,image/webp"
            onChange={(e) => {
              const file = e.target.files?.[0] ?? null;
              setPictureError(file ? imageProblem(file) : null);
              setPicture(file);
            }}
          />
        </label>
        {preview && !pictureError && (
          <img className="avatar preview" src={preview} alt="Preview of your profile picture" width={96} height={96} />
        )}
        {[...problems, ...(pictureError ? [pictureError] : [])].map((p) => (
          <p key={p} className="field-error">
            {p}
          </p>
        ))}
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember me
        </label>
        <button
          type="submit"
          className="primary"
          disabled={!canRegister(fields) || problems.length > 0 || !!pictureError || busy}
        >
          {busy ? <span className="spinner" aria-label="Registering" /> : 'Register'}
        </button>
      </form>
      <p className="muted">
        Already registered? <Link to={`/login${params.size ? `?${params}` : ''}`}>Sign in</Link>
      </p>
    </AuthFrame>
  );
}
