import type { DeletionRecord } from '../ports/account-deletions.js';
import type { RelationKind } from '../ports/relation-store.js';
import type { DeletionStep, StepDeps, StepOutcome } from './account-delete-steps.js';
import { inParallel } from './in-parallel.js';

// Deletion steps for what the account's safety settings and uploads left behind (jobs/account-delete-steps.ts
// runs them in order). Each chunk is bounded by the page size and idempotent: a removal that finds nothing is a no-op.

/**
 * The account's own blocks or mutes. Its user record is gone, so the per-kind counter on it (DynamoDB) goes with it;
 * nothing else counts these edges. The list is strongly consistent, so each chunk reads from the start.
 */
export function ownRelationsStep(kind: RelationKind): DeletionStep {
  return async (record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> => {
    const page = await deps.relations.targets(record.alias, kind, { limit: deps.pageSize });
    await inParallel(page.items, (target) => deps.relations.remove({ owner: record.alias, kind, target }));
    return { next: null, more: page.next !== null };
  };
}

/**
 * Others' blocks or mutes of the account: each edge goes and its owner's bound counter drops by one (DynamoDB). On
 * a rerun the owner's counter is re-counted from the edges: a crash between the edge's removal and the counter's
 * decrement cannot be told from the outside. The list may lag (a GSI), so a cursor moves through it.
 */
export function othersRelationsStep(kind: RelationKind): DeletionStep {
  return async (record: DeletionRecord, deps: StepDeps, rerun: boolean): Promise<StepOutcome> => {
    const page = await deps.relations.owners(record.alias, kind, {
      after: record.cursor ?? undefined,
      limit: deps.pageSize,
    });
    await inParallel(page.items, async (owner) => {
      await deps.relations.remove({ owner, kind, target: record.alias });
      if (rerun) await deps.relations.recount(owner, kind);
    });
    return { next: page.next, more: page.next !== null };
  };
}

/**
 * The account's uploads, attached or not: both blobs first, then the record, so a crash in between only repeats
 * the chunk. (Its statuses are gone by now, and a status deleted this way does not release its images.)
 */
export async function mediaStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  const page = await deps.media.byOwner(record.alias, { after: record.cursor ?? undefined, limit: deps.pageSize });
  await inParallel(page.items, async (m) => {
    await deps.blobs.delete(m.key);
    await deps.blobs.delete(m.previewKey);
    await deps.media.remove(m.id);
  });
  return { next: page.next, more: page.next !== null };
}

/**
 * The account's reposts: each goes with its count. Its followers' feeds lost them with the follower edges (the
 * first step purges the account's entries, reposts included), so no retraction is needed.
 */
export async function repostsStep(record: DeletionRecord, deps: StepDeps): Promise<StepOutcome> {
  const page = await deps.reposts.byReposter(record.alias, { limit: deps.pageSize });
  await inParallel(page, (r) => deps.reposts.delete(r.statusId, record.alias));
  return { next: null, more: page.length === deps.pageSize };
}
