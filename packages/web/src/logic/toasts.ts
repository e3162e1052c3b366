import { Observable } from './store.js';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

/** What the user is told: the course's toasts ("Posting status...", "Status posted!", failures). */
export interface Notifier {
  info(text: string): number;
  success(text: string): number;
  error(text: string): number;
  dismiss(id: number): void;
}

/** The toasts on screen. Errors stay until dismissed; info and success go after `ttlMs`. */
export class ToastStore extends Observable<Toast[]> implements Notifier {
  private next = 1;
  constructor(
    private readonly ttlMs = 4000,
    private readonly schedule: (fn: () => void, ms: number) => unknown = (fn, ms) => setTimeout(fn, ms),
  ) {
    super([]);
  }

  private push(kind: ToastKind, text: string): number {
    const id = this.next++;
    this.set([...this.get(), { id, kind, text }].slice(-5));
    if (kind !== 'error') this.schedule(() => this.dismiss(id), this.ttlMs);
    return id;
  }

  info = (text: string) => this.push('info', text);
  success = (text: string) => this.push('success', text);
  error = (text: string) => this.push('error', text);
  dismiss = (id: number) => {
    if (this.get().some((t) => t.id === id)) this.set(this.get().filter((t) => t.id !== id));
  };
}
