/**
 * The purge job of a deleted status (the post path, the deletion of a reply by its parent's author and an account's
 * deletion all queue it), naming what a reply or a quote pointed at so the purge can finish their records.
 */
export function purgeJob(status: { id: string; author: string; inReplyToId?: string; quoteOfId?: string }): {
  name: 'status.purge';
  payload: Record<string, unknown>;
} {
  const payload: Record<string, unknown> = { statusId: status.id, author: status.author };
  if (status.inReplyToId !== undefined) payload.inReplyToId = status.inReplyToId;
  if (status.quoteOfId !== undefined) payload.quoteOfId = status.quoteOfId;
  return { name: 'status.purge', payload };
}
