import type { DeletionRecord } from '../ports/account-deletions.js';
import type { DeletionStep, StepDeps, StepOutcome } from './account-delete-steps.js';

// Deletion steps for notifications: the account's own groups, and its entries as an actor in others' groups (so the
// counts drop and "Ada and 41 others" stops naming it). Each chunk is bounded and idempotent.

/** The account's own notification groups and entries. */
export const ownNotificationsStep: DeletionStep = async (
  record: DeletionRecord,
  deps: StepDeps,
): Promise<StepOutcome> => {
  const removed = await deps.notifications.removeRecipient(record.alias, deps.pageSize);
  return { next: null, more: removed >= deps.pageSize };
};

/** The account's entries in others' groups: retracted, so the groups' counts stay exact. */
export const actorNotificationsStep: DeletionStep = async (
  record: DeletionRecord,
  deps: StepDeps,
): Promise<StepOutcome> => {
  const removed = await deps.notifications.removeActor(record.alias, deps.pageSize);
  return { next: null, more: removed >= deps.pageSize };
};
