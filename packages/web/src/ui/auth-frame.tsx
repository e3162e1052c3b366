import type { ReactNode } from 'react';
import { Toasts } from './toasts.js';

/** The signed-out screens: the app's name, the toasts, one card. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <header>
        <p className="brand brand-large">Tweeter</p>
      </header>
      <main>
        <Toasts />
        <div className="card auth-card">
          <h1>{title}</h1>
          {children}
        </div>
      </main>
    </div>
  );
}
