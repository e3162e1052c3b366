import { useObservable, useServices } from './services.js';

/** The toasts, in the page's flow under the top bar: they push content down and never cover a form. */
export function Toasts() {
  const { toasts } = useServices();
  const list = useObservable(toasts);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => toasts.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
