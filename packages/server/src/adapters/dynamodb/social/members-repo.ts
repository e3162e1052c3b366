import type { JobRequest } from '../../../ports/job-queue.js';
import { pendingAttributes } from '../core/outbox.js';
import { BoardRole } from '@tweeter/shared';
import type { AuditRecord, MemberRecord, MemberRepo } from '../../../ports/store.js';
import { MAIN_INDEXES } from '../tables.js';
import { batchGet, queryUpTo, type Item } from '../client.js';
import { writeAudit } from './audit-repo.js';
import { boardKey, MEMBER_PREFIX, memberKey, membershipsOf } from './keys.js';
import {
  addToExisting,
  counted,
  deleteItem,
  getItem,
  num,
  putNew,
  queryAll,
  str,
  updateItem,
  type DynamoSocialDeps,
} from './items.js';

// Upper bound for "no before": '~' sorts after every character an id uses.
const TOP = '~';
/** Rounds of a put that keeps meeting concurrent changes to the same membership before it gives up. */
const PUT_ROUNDS = 8;

type PutResult = { previous: BoardRole | null; changed: boolean };

/**
 * Memberships on DynamoDB: items `MEMBER#<alias>` in the board's partition (a board's members by alias), in the
 * gsi1 partition `MEMBERSHIPS#<alias>` (a user's boards, eventually consistent). A membership is added or
 * removed by one conditional write, so exactly one of racing writers counts it; memberCount on the board item
 * is ADDed right after, and re-counted by `recount` after a fault.
 */
export function createDynamoMembersRepo(deps: DynamoSocialDeps): MemberRepo {
  const addMember = async (
    m: MemberRecord,
    audit: AuditRecord | undefined,
    jobs: readonly JobRequest[],
  ): Promise<boolean> => {
    const key = memberKey(m.boardId, m.alias);
    // The addition's jobs ride on the item (an outbox marker) until sent: a crash leaves them for the sweeper.
    const pending = jobs.length > 0 ? pendingAttributes('member', jobs, m.joinedAt, key) : {};
    const item = { ...key, gsi1pk: membershipsOf(m.alias), gsi1sk: m.boardId, ...m, ...pending };
    if (!(await putNew(deps, item))) return false;
    await counted(deps, { target: 'board', id: m.boardId }, () =>
      addToExisting(deps, boardKey(m.boardId), 'memberCount', 1),
    );
    await writeAudit(deps, audit);
    if (jobs.length > 0) {
      if (!deps.outbox) throw new Error('members: jobs with an addition need the store outbox (deps.outbox)');
      await deps.outbox.finish(item);
    }
    return true;
  };

  const changeRole = async (m: MemberRecord, previous: BoardRole, audit: AuditRecord | undefined) => {
    const done = await updateItem(deps, {
      Key: memberKey(m.boardId, m.alias),
      UpdateExpression: 'SET #role = :role',
      ConditionExpression: 'attribute_exists(pk) AND #role = :previous',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':role': m.role, ':previous': previous },
    });
    if (done) await writeAudit(deps, audit);
    return done !== null;
  };

  return {
    async get(boardId, alias) {
      const item = await getItem(deps, memberKey(boardId, alias));
      return item ? toRecord(item) : null;
    },
    async rolesOf(alias, boardIds) {
      const items = await batchGet(
        deps,
        deps.tables.main,
        boardIds.map((id) => memberKey(id, alias)),
        { consistent: true },
      );
      return new Map(items.map((item) => [str(item.boardId), BoardRole.parse(item.role)]));
    },
    async put(member, options): Promise<PutResult> {
      if (!(await getItem(deps, boardKey(member.boardId)))) return { previous: null, changed: false };
      // Add, or change the role from what was read; a concurrent change makes the condition fail: read again.
      for (let round = 0; round < PUT_ROUNDS; round++) {
        if (await addMember(member, options?.audit, options?.outboxIfAdded ?? []))
          return { previous: null, changed: true };
        const current = await getItem(deps, memberKey(member.boardId, member.alias));
        if (!current) continue; // removed meanwhile
        const previous = BoardRole.parse(current.role);
        if (previous === member.role || previous === 'owner') return { previous, changed: false };
        if (await changeRole(member, previous, options?.audit)) return { previous, changed: true };
      }
      throw new Error(`membership ${member.boardId}/${member.alias} kept changing; try again`);
    },
    async remove(boardId, alias, options) {
      const removed = await deleteItem(deps, {
        Key: memberKey(boardId, alias),
        ConditionExpression: 'attribute_exists(pk) AND #role <> :owner',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':owner': 'owner' },
      });
      if (!removed) return false;
      await counted(deps, { target: 'board', id: boardId }, () =>
        addToExisting(deps, boardKey(boardId), 'memberCount', -1),
      );
      await writeAudit(deps, options?.audit);
      return true;
    },
    async list(boardId, range) {
      // Member items are the last sort keys of a board's partition, so `sk >` needs no upper bound.
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: {
            ':pk': boardKey(boardId).pk,
            ':after': `${MEMBER_PREFIX}${range.after ?? ''}`,
          },
          ConsistentRead: true,
        },
        range.limit,
      );
      return items.map(toRecord);
    },
    async boardsOf(alias, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': membershipsOf(alias), ':before': range.before ?? TOP },
          ScanIndexForward: false,
        },
        range.limit,
      );
      return items.map((item) => str(item.boardId));
    },
    async recount(boardId) {
      const board = await getItem(deps, boardKey(boardId));
      if (!board) return null;
      const { count } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': boardKey(boardId).pk, ':prefix': MEMBER_PREFIX },
        Select: 'COUNT',
      });
      // Conditional on the count read before counting: a membership change meanwhile makes the next run redo it.
      const set = await updateItem(deps, {
        Key: boardKey(boardId),
        UpdateExpression: 'SET memberCount = :count',
        ConditionExpression: 'attribute_exists(pk) AND memberCount = :seen',
        ExpressionAttributeValues: { ':count': count, ':seen': num(board.memberCount) },
      });
      if (!set) throw new Error(`board ${boardId} changed while being re-counted; try again`);
      return count;
    },
  };
}

function toRecord(item: Item): MemberRecord {
  return {
    boardId: str(item.boardId),
    alias: str(item.alias),
    role: BoardRole.parse(item.role),
    joinedAt: num(item.joinedAt),
  };
}
