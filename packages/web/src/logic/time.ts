/** "just now", "5m", "3h", then a date: how a status's time reads in a list. */
export function shortTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.round(s / 3600)}h`;
  const d = new Date(t);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** The full time, for a tooltip and `<time dateTime>`. */
export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString();
}
