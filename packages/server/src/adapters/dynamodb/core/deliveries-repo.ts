import type { DeliveryRecord, DeliveryRepo, DeliveryState, FollowRepo } from '../../../ports/store.js';
import { StoreBusyError, type DynamoDeps, type Item } from '../client.js';
import { getItem, num, queryAll, str, updateItem } from '../social/items.js';
import { deleteEntries, putEntries } from './feeds-repo.js';
import { claimRepostEntries, removeRepostEntries } from './repost-feed.js';
import { MAIN_INDEXES } from '../tables.js';
import { deliveryKey, FOLLOWER_PREFIX, UNFOLLOWS, userKey } from './keys.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from './outbox.js';

/**
 * Fan-out progress on DynamoDB: one small item per status (`STATUS#<id>` / `DELIVERY`). Planning is a conditional
 * update on the cursor carrying the page's deliver jobs as an outbox. A page is delivered by BatchWriteItem of its
 * feed entries and then ONE conditional `ADD delivered :n, pages :key` guarded by `NOT contains(pages, :key)`,
 * so a replayed page rewrites the same entries and counts nothing.
 */
export function createDynamoDeliveriesRepo(
  deps: DynamoDeps,
  outbox: DynamoOutbox,
  now: () => number,
  followers: FollowRepo['followers'],
): DeliveryRepo {
  outbox.handle('plan', {});
  const sentSteps = new SentSteps();

  /** Stamps finishedAt once planning is done and every planned follower is counted (first caller wins). */
  async function finishIfDone(statusId: string, now: number): Promise<void> {
    await updateItem(deps, {
      Key: deliveryKey(statusId),
      UpdateExpression: 'SET finishedAt = :now',
      ConditionExpression: 'planDone = :true AND delivered >= audience AND attribute_not_exists(finishedAt)',
      ExpressionAttributeValues: { ':now': now, ':true': true },
    });
  }

  /** Of `owners`, those who follow `author` now (one strongly consistent Query over their key range). */
  async function stillFollowing(author: string, owners: readonly string[]): Promise<Set<string>> {
    const sorted = [...owners].sort();
    const { items } = await queryAll(deps, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: {
        ':pk': userKey(author).pk,
        ':lo': `${FOLLOWER_PREFIX}${sorted[0] ?? ''}`,
        ':hi': `${FOLLOWER_PREFIX}${sorted.at(-1) ?? ''}`,
      },
      ProjectionExpression: 'follower',
    });
    return new Set(items.map((item) => str(item.follower)));
  }

  /**
   * The author's unfollow counter (strongly consistent), or null without a profile (then nothing can be skipped).
   * An unfollow ADDs to it after removing the follower's mirror and before sending its purge (follows-repo.ts).
   */
  async function unfollowsOf(author: string): Promise<number | null> {
    const profile = await getItem(deps, userKey(author));
    return profile ? num(profile[UNFOLLOWS]) : null;
  }

  /**
   * Writes a page of owners and counts it; the owners whose entry stays, or null when the status is deleted.
   * `unfollowsBefore`: the author's unfollow counter read before `owners` were read from the follower edges.
   */
  async function deliverOwners(
    { statusId, author }: { statusId: string; author: string },
    owners: readonly string[],
    {
      now: at,
      page,
      unfollowsBefore,
    }: { now: number; page?: { key: string; count: number }; unfollowsBefore?: number | null },
  ): Promise<string[] | null> {
    const itemKey = deliveryKey(statusId);
    const delivery = await getItem(deps, itemKey);
    if (!delivery) return null; // deleted: a late page must not write it back
    // A repost's delivery names the status it shows: its entries go in once per feed (repost-feed.ts).
    const original = typeof delivery.original === 'string' ? delivery.original : null;
    const repost = original === null ? null : { id: statusId, statusId: original, reposter: author };
    if (repost) owners = await claimRepostEntries(deps, repost, owners);
    else
      await putEntries(
        deps,
        owners.map((owner) => ({ owner, statusId, author })),
      );
    // Re-read after writing: an unfollow (or a delete) that landed meanwhile may have run its purge already, so
    // what it missed is removed here; one that lands after this read finds the entries for its own purge. An
    // owner's purge can only run after its mirror went, which was after `owners` were read, and after the counter
    // went up: so an unchanged counter (one GetItem) proves no such purge ran, and the range re-read is skipped.
    const unchanged =
      unfollowsBefore !== undefined && unfollowsBefore !== null && (await unfollowsOf(author)) === unfollowsBefore;
    const following =
      owners.length === 0 ? new Set<string>() : unchanged ? new Set(owners) : await stillFollowing(author, owners);
    const gone = owners.filter((owner) => !following.has(owner));
    let live = true;
    if (page) {
      const counted = await updateItem(deps, {
        Key: itemKey,
        UpdateExpression: 'ADD delivered :n, pages :page',
        ConditionExpression: 'attribute_exists(pk) AND NOT contains(pages, :key)',
        ExpressionAttributeValues: { ':n': page.count, ':page': new Set([page.key]), ':key': page.key },
        ReturnValues: 'ALL_NEW',
      });
      if (counted && isComplete(counted)) await finishIfDone(statusId, at);
      else live = (await getItem(deps, itemKey)) !== null;
    } else {
      live = (await getItem(deps, itemKey)) !== null;
    }
    const remove = live ? gone : owners;
    if (remove.length && repost) await removeRepostEntries(deps, repost, remove);
    else if (remove.length)
      await deleteEntries(
        deps,
        remove.map((owner) => ({ owner, statusId })),
      );
    return live ? owners.filter((owner) => following.has(owner)) : [];
  }

  return {
    async get(statusId) {
      const item = await getItem(deps, deliveryKey(statusId));
      return item ? toRecord(item) : null;
    },

    async recordPlanned(statusId, step, options) {
      const jobs = options?.outbox ?? [];
      const itemKey = deliveryKey(statusId);
      const pending = jobs.length ? pendingUpdate(pendingAttributes('plan', jobs, now(), itemKey)) : null;
      // The previous step's deliver job, when this process sent it and left its marker for this step to replace
      // (one write a page instead of two). Any other pending outbox must be sent before this step may replace it.
      const sent = sentSteps.take(statusId);
      const set = [
        'planned = planned + :count',
        'planStarted = :true',
        'planDone = :last',
        ...(step.to === null ? [] : ['#cursor = :to']),
        ...(step.last ? ['audience = planned + :count'] : []),
        ...(pending ? [pending.set] : []),
      ];
      for (let attempt = 0; attempt < 2; attempt++) {
        const mine = attempt === 0 ? sent : undefined;
        // With no job of its own, the step clears the marker it replaces.
        const clearing = mine !== undefined && !pending;
        const remove = [...(step.to === null ? ['#cursor'] : []), ...(clearing ? [MARKER_ATTRIBUTES] : [])];
        const applied = await updateItem(deps, {
          Key: itemKey,
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(pk) AND planDone = :false AND ${
            mine === undefined ? 'attribute_not_exists(obxId)' : '(attribute_not_exists(obxId) OR obxId = :sent)'
          } AND ${step.from === null ? 'attribute_not_exists(#cursor)' : '#cursor = :from'}`,
          ExpressionAttributeNames: { '#cursor': 'cursor', ...pending?.names, ...(clearing ? GSI2_NAMES : {}) },
          ExpressionAttributeValues: {
            ':count': step.count,
            ':true': true,
            ':false': false,
            ':last': step.last,
            ...(step.to === null ? {} : { ':to': step.to }),
            ...(step.from === null ? {} : { ':from': step.from }),
            ...(mine === undefined ? {} : { ':sent': mine }),
            ...pending?.values,
          },
          ReturnValues: 'ALL_NEW',
        });
        if (applied) {
          if (isComplete(applied)) await finishIfDone(statusId, now());
          if (pending && step.last) await outbox.finish(applied);
          else if (pending) {
            await outbox.send(applied);
            sentSteps.put(statusId, str(applied.obxId));
          }
          return true;
        }
        const current = await getItem(deps, itemKey);
        if (current?.obxId === undefined) return false;
        await outbox.finish(current); // another worker's step, sent a moment ago or stranded by a crash
      }
      throw new StoreBusyError('fan-out planning keeps changing, try again');
    },

    async deliverPage(delivery, owners, options) {
      return (await deliverOwners(delivery, owners, options))?.length ?? 0;
    },

    async deliverRange(delivery, { after, to, limit }, { now: at, page }) {
      // The range as it is now (strongly consistent), then the same write, re-check and count as a listed page;
      // the unfollow counter first, so the re-check can be skipped when no unfollow of the author happened since.
      const unfollowsBefore = await unfollowsOf(delivery.author);
      const read = await followers(delivery.author, { after: after ?? undefined, limit });
      const owners = read.items.filter((alias) => alias <= to);
      const done = read.next === null || owners.length < read.items.length || read.next >= to;
      const written = await deliverOwners(delivery, owners, {
        now: at,
        page: done ? page : undefined,
        unfollowsBefore,
      });
      if (written === null) return { added: 0, owners: [], next: null }; // deleted: nothing more to write
      return { added: written.length, owners: written, next: done ? null : read.next };
    },
  };
}

const GSI2_NAMES = { '#g2pk': MAIN_INDEXES.gsi2.pk, '#g2sk': MAIN_INDEXES.gsi2.sk };

const MARKER_ATTRIBUTES = 'obx, obxId, obxKind, #g2pk, #g2sk';

/**
 * The planning steps whose deliver job this process has sent but whose marker it left for the next step to
 * replace: status id to outbox id. Bounded: a plan that stops half way (a crash, a failure) leaves its marker to
 * the sweeper or to the next planner, which sends the job again (deliver jobs are idempotent).
 */
class SentSteps {
  private readonly byStatus = new Map<string, string>();

  put(statusId: string, outboxId: string): void {
    this.byStatus.delete(statusId);
    this.byStatus.set(statusId, outboxId);
    if (this.byStatus.size > 1_000) this.byStatus.delete(this.byStatus.keys().next().value ?? '');
  }

  take(statusId: string): string | undefined {
    const id = this.byStatus.get(statusId);
    this.byStatus.delete(statusId);
    return id;
  }
}

/** Planning is done and every planned follower counted, but no finish time yet (the write that stamps it is due). */
function isComplete(item: Item): boolean {
  return item.planDone === true && num(item.delivered) >= num(item.audience) && item.finishedAt === undefined;
}

function toRecord(item: Item): DeliveryRecord {
  const record: Omit<DeliveryRecord, 'state'> = {
    statusId: str(item.statusId),
    author: str(item.author),
    audience: num(item.audience),
    delivered: num(item.delivered),
    planned: num(item.planned),
    cursor: typeof item.cursor === 'string' ? item.cursor : null,
    planDone: item.planDone === true,
    createdAt: num(item.createdAt),
    finishedAt: typeof item.finishedAt === 'number' ? item.finishedAt : null,
  };
  const original = typeof item.original === 'string' ? { original: item.original } : {};
  return { ...record, state: stateOf(record, item.planStarted === true), ...original };
}

function stateOf(d: Omit<DeliveryRecord, 'state'>, planStarted: boolean): DeliveryState {
  if (d.finishedAt !== null || (d.planDone && d.delivered >= d.audience)) return 'done';
  if (planStarted || d.planned > 0 || d.cursor !== null) return 'running';
  return 'queued';
}
