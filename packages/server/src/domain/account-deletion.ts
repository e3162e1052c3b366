// Shared by the service that starts a deletion and the job that runs it (jobs/account-delete.ts).

/** The step every deletion starts on (the first of DELETION_STEPS). */
export const FIRST_DELETION_STEP = 'followers';

/** The job that runs a deletion's next chunk: it carries only the position (seq) it was enqueued for. */
export function accountDeleteJob(
  alias: string,
  seq: number,
): { name: string; payload: { alias: string; seq: number } } {
  return { name: 'account.delete', payload: { alias, seq } };
}
