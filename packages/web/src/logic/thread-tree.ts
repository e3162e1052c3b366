import type { Status } from '@tweeter/shared';

/** A descendant with its depth below the status the thread is read from (1: a direct reply). */
export interface TreeRow {
  status: Status;
  depth: number;
}

/** The deepest a reply is indented on screen; deeper ones line up at this depth (a phone is 360 px wide). */
export const MAX_INDENT = 4;

/**
 * Depths of the context's descendants (the server lists them depth first): each reply is one below the status it
 * answers; one whose parent is not listed (never expected) is taken as a direct reply.
 */
export function treeRows(rootId: string, descendants: readonly Status[]): TreeRow[] {
  const depth = new Map<string, number>([[rootId, 0]]);
  return descendants.map((status) => {
    const d = (depth.get(status.inReplyTo?.id ?? rootId) ?? 0) + 1;
    depth.set(status.id, d);
    return { status, depth: d };
  });
}

/** What a status that is gone shows instead of itself. */
export function goneText(status: Pick<Status, 'deleted'>): string {
  return status.deleted ? 'This status is unavailable.' : '';
}
