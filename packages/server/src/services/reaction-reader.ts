import type { Reactions } from '@tweeter/shared';
import type { ReactionRepo, ReactionTargetType } from '../ports/store.js';

/** Reads reactions for a page of statuses or messages: fresh counts and the viewer's own, one batched read each. */
export class ReactionReader {
  constructor(private readonly reactions: ReactionRepo) {}

  /** `{like, heart, mine}` per id (zeros for ids nobody reacted to); `mine` is empty without a viewer. */
  async read(type: ReactionTargetType, ids: readonly string[], viewer: string | null): Promise<Map<string, Reactions>> {
    const [counts, mine] = await Promise.all([
      this.reactions.counts(type, ids),
      viewer === null ? new Map<string, never[]>() : this.reactions.mine(type, viewer, ids),
    ]);
    const out = new Map<string, Reactions>();
    for (const id of ids) {
      const c = counts.get(id);
      out.set(id, { like: c?.like ?? 0, heart: c?.heart ?? 0, mine: mine.get(id) ?? [] });
    }
    return out;
  }
}
