import type { ScheduledJob } from './scheduler.js';

/**
 * Every periodic job. The embedded shape's Scheduler enqueues each one every `everyMs`; the AWS stack turns
 * each into an EventBridge rule that invokes the scheduled Lambda with `{"task": <job name>}`. Adding a
 * periodic job (a sweeper, a reconciliation) is one line here plus its processor.
 */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { job: { name: 'boards.retention', payload: {} }, everyMs: 10 * 60_000 },
  // Expired sessions and idempotency keys (SQLite; DynamoDB filters them at read time and TTL reclaims them).
  { job: { name: 'expiry.sweep', payload: {} }, everyMs: 10 * 60_000 },
  // Aliases of deleted accounts whose 30-day reservation has ended (both shapes: no TTL is relied on).
  { job: { name: 'accounts.sweep', payload: {} }, everyMs: 30 * 60_000 },
  // Uploads never attached within a day, and the images of deleted statuses (both shapes).
  { job: { name: 'media.sweep', payload: {} }, everyMs: 10 * 60_000 },
  // Outbox jobs a crash stranded between the write and the send (DynamoDB + SQS; nothing to do on SQLite).
  { job: { name: 'outbox.resend', payload: {} }, everyMs: 60_000 },
  // Notification groups past NOTIFICATION_RETENTION_DAYS (SQLite; DynamoDB's TTL reclaims them, reads filter them).
  { job: { name: 'notifications.retention', payload: {} }, everyMs: 30 * 60_000 },
];

/** The scheduled job called `name`, or undefined. */
export function scheduledJob(name: string): ScheduledJob | undefined {
  return SCHEDULED_JOBS.find((entry) => entry.job.name === name);
}
