import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { failure } from '../logic/flows.js';
import { useServices } from './services.js';

/** An input inside its label: the label's text is the input's accessible name. */
export function Field({ label, ...input }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label>
      {label}
      <input {...input} />
    </label>
  );
}

/** "Password": the account's current password, as signing in and deleting the account ask for it. */
export function PasswordField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <Field
      label="Password"
      name="password"
      type="password"
      autoComplete="current-password"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** A form's problems, one line each, said before the round trip. */
export function Problems({ problems }: { problems: readonly string[] }) {
  return (
    <>
      {problems.map((p) => (
        <p key={p} className="field-error">
          {p}
        </p>
      ))}
    </>
  );
}

/**
 * An edit form over a saved record (my profile, a board's settings): the fields as typed, what they change and
 * what is wrong with them, and a save that takes the saved record's fields back and says a failure as a toast.
 */
export function useEditForm<F extends { [K in keyof F]: string }, C extends object, R>(options: {
  initial: () => F;
  diff: (fields: F) => { changes: C; problems: string[] };
  save: (changes: C) => Promise<R>;
  fieldsOf: (saved: R) => F;
  onSaved: (saved: R) => void;
  /** What failed, for the toast: "save your profile". */
  what: string;
}) {
  const { toasts } = useServices();
  const [fields, setFields] = useState(options.initial);
  const { changes, problems } = options.diff(fields);
  const save = useMutation({
    mutationFn: () => options.save(changes),
    onSuccess: (next) => {
      setFields(options.fieldsOf(next));
      options.onSaved(next);
    },
    onError: (err) => toasts.error(failure(options.what, err)),
  });
  const canSave = Object.keys(changes).length > 0 && problems.length === 0 && !save.isPending;
  const field = (name: keyof F) => ({
    value: fields[name],
    onChange: (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value })),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (canSave) save.mutate();
  }
  return { fields, field, problems, canSave, submit };
}
