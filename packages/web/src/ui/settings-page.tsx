import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LIMITS, type Profile } from '@tweeter/shared';
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client.js';
import { failure } from '../logic/flows.js';
import {
  bioLeft,
  canChangePassword,
  exportFileName,
  passwordProblems,
  profileChanges,
  profileFields,
  type PasswordFields,
} from '../logic/settings.js';
import { Problems, useEditForm } from './form-parts.js';
import { useMe, useServices } from './services.js';

function ProfileSection({ profile }: { profile: Profile }) {
  const { api, toasts, session } = useServices();
  const qc = useQueryClient();
  const { fields, field, problems, canSave, submit } = useEditForm({
    initial: () => profileFields(profile),
    diff: (typed) => profileChanges(profile, typed),
    save: (changes) => api.updateMe(changes),
    fieldsOf: profileFields,
    onSaved: (next) => {
      qc.setQueryData(['user', next.alias], next);
      qc.setQueryData(['me'], next);
      session.updateUser({
        alias: next.alias,
        firstName: next.firstName,
        lastName: next.lastName,
        imageUrl: next.imageUrl,
      });
      // Statuses show the author's name: pages already loaded are fetched again.
      void qc.invalidateQueries({ queryKey: ['feed'] });
      void qc.invalidateQueries({ queryKey: ['story', next.alias] });
      toasts.success('Profile saved.');
    },
    what: 'save your profile',
  });
  const left = bioLeft(fields.bio);
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <label>
        First name
        <input autoComplete="given-name" {...field('firstName')} />
      </label>
      <label>
        Last name
        <input autoComplete="family-name" {...field('lastName')} />
      </label>
      <label>
        Bio
        <textarea rows={3} aria-describedby="bio-help" {...field('bio')} />
      </label>
      <p id="bio-help" className="muted">
        @mentions and links become links on your profile.{' '}
        <span className={left < 0 ? 'field-error' : ''} aria-live="polite">
          {left} of {LIMITS.bioMax} characters left
        </span>
      </p>
      <Problems problems={problems} />
      <div className="post-actions">
        <button type="submit" className="primary" disabled={!canSave}>
          Save profile
        </button>
      </div>
    </form>
  );
}

const NO_PASSWORDS: PasswordFields = { current: '', next: '', confirm: '' };

function PasswordSection() {
  const { api, toasts } = useServices();
  const [fields, setFields] = useState(NO_PASSWORDS);
  const [done, setDone] = useState(false);
  const problems = passwordProblems(fields);
  const change = useMutation({
    mutationFn: () => api.changePassword(fields.current, fields.next),
    onSuccess: () => {
      setFields(NO_PASSWORDS);
      setDone(true);
      toasts.success('Password changed. Your other sessions were signed out.');
    },
    onError: (err) => toasts.error(failure('change your password', err)),
  });
  const field = (name: keyof PasswordFields, autoComplete: string) => ({
    type: 'password',
    autoComplete,
    value: fields[name],
    onChange: (e: { target: { value: string } }) => {
      setDone(false);
      setFields((f) => ({ ...f, [name]: e.target.value }));
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (canChangePassword(fields) && !change.isPending) change.mutate();
  }
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <label>
        Current password
        <input {...field('current', 'current-password')} />
      </label>
      <label>
        New password
        <input {...field('next', 'new-password')} />
      </label>
      <label>
        Confirm new password
        <input {...field('confirm', 'new-password')} />
      </label>
      <Problems problems={problems} />
      {done && (
        <p role="status" className="notice-text">
          Password changed. Every other session of yours was signed out; this one stays signed in.
        </p>
      )}
      <div className="post-actions">
        <span className="muted">Changing it signs you out everywhere else.</span>
        <button type="submit" className="primary" disabled={!canChangePassword(fields) || change.isPending}>
          Change password
        </button>
      </div>
    </form>
  );
}

function DataSection() {
  const { api, toasts } = useServices();
  const me = useMe();
  const link = useRef<HTMLAnchorElement>(null);
  const download = useMutation({
    mutationFn: () => api.exportData(),
    onSuccess: (blob) => {
      const a = link.current;
      if (!a) return;
      const url = URL.createObjectURL(blob);
      a.href = url;
      a.download = exportFileName(me.alias, new Date());
      a.click();
      // Revoked once the click has handed the file to the browser.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      toasts.success('Your data was downloaded.');
    },
    onError: (err) => toasts.error(failure('download your data', err)),
  });
  return (
    <section className="card form" aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p>One JSON file with your profile, statuses, comments, reactions, followers, followees and boards.</p>
      <div className="post-actions">
        <button type="button" className="primary" disabled={download.isPending} onClick={() => download.mutate()}>
          {download.isPending ? 'Preparing…' : 'Download my data'}
        </button>
      </div>
      {/* The file is saved through this link; it is not a control of its own. */}
      <a ref={link} hidden aria-hidden="true" tabIndex={-1} />
    </section>
  );
}

/** /settings: my profile (names, bio), my password, and my data. */
export function SettingsPage() {
  const { api } = useServices();
  const me = useMe();
  const profile = useQuery({ queryKey: ['user', me.alias], queryFn: () => api.user(me.alias) });
  return (
    <div className="settings">
      <h1>Settings</h1>
      {profile.isError ? (
        <section className="card" role="alert">
          Failed to load your profile because of exception: {errorMessage(profile.error)}
        </section>
      ) : profile.data ? (
        <ProfileSection profile={profile.data} />
      ) : (
        <p className="loading">Loading...</p>
      )}
      <PasswordSection />
      <DataSection />
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
    </div>
  );
}
