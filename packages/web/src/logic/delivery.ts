import type { Delivery } from '@tweeter/shared';

/** The author's view of fan-out progress right after posting. */
export function deliveryLabel(d: Delivery): string {
  const followers = d.audience === 1 ? 'follower' : 'followers';
  if (d.audience === 0) return 'Posted. No followers to deliver to yet.';
  if (d.state === 'done') return `Delivered to all ${d.audience} ${followers}.`;
  if (d.state === 'queued') return `Delivering to ${d.audience} ${followers}...`;
  return `Delivered to ${d.delivered} of ${d.audience} ${followers}...`;
}

/** Keep asking while fan-out runs; stop once it is done. */
export function deliveryPollMs(d: Delivery | undefined): number | false {
  return d?.state === 'done' ? false : 500;
}
