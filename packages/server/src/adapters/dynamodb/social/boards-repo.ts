import { BoardVisibility } from '@tweeter/shared';
import type { BoardChanges, BoardRecord, BoardRepo } from '../../../ports/store.js';
import { MAIN_INDEXES } from '../tables.js';
import { batchGet, queryUpTo, type DynamoDeps, type Item } from '../client.js';
import { writeAudit } from './audit-repo.js';
import { boardKey, memberKey, PUBLIC_BOARDS, RETAINED_BOARDS, membershipsOf } from './keys.js';
import { getItem, num, putItem, putNew, str, updateItem } from './items.js';

// Upper bound for "no before": '~' sorts after every character an id uses.
const TOP = '~';

/**
 * Boards on DynamoDB: one item per board (`BOARD#<id>` / `BOARD`), in the sparse gsi1 partition of public boards
 * and, while it has a retention period, the sparse gsi2 partition of retained boards. Both lists are read from
 * those indexes, so they are eventually consistent.
 */
export function createDynamoBoardsRepo(deps: DynamoDeps): BoardRepo {
  const listIndex = async (
    index: 'gsi1' | 'gsi2',
    partition: string,
    bound: { op: '<' | '>'; value: string },
    limit: number,
  ): Promise<BoardRecord[]> => {
    const names = MAIN_INDEXES[index];
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        IndexName: names.name,
        KeyConditionExpression: `#pk = :pk AND #sk ${bound.op} :bound`,
        ExpressionAttributeNames: { '#pk': names.pk, '#sk': names.sk },
        ExpressionAttributeValues: { ':pk': partition, ':bound': bound.value },
        ScanIndexForward: bound.op === '>',
      },
      limit,
    );
    return items.map(toRecord);
  };

  return {
    async create(board) {
      // The owner's membership first: a crash in between leaves a membership of no board (never shown),
      // rather than a board nobody may manage.
      await putItem(deps, {
        Item: {
          ...memberKey(board.id, board.owner),
          gsi1pk: membershipsOf(board.owner),
          gsi1sk: board.id,
          boardId: board.id,
          alias: board.owner,
          role: 'owner',
          joinedAt: board.createdAt,
        },
      });
      await putNew(deps, toItem({ ...board, memberCount: 1 }));
    },
    async get(id) {
      const item = await getItem(deps, boardKey(id));
      return item ? toRecord(item) : null;
    },
    async getMany(ids) {
      const items = await batchGet(deps, deps.tables.main, ids.map(boardKey), { consistent: true });
      return new Map(items.map((item) => [str(item.id), toRecord(item)]));
    },
    async update(id, changes, options) {
      const expression = updateExpression(id, changes);
      if (!expression) {
        const item = await getItem(deps, boardKey(id));
        return item ? toRecord(item) : null;
      }
      const before = await updateItem(deps, {
        Key: boardKey(id),
        ...expression,
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      });
      if (!before) return null;
      const old = toRecord(before);
      if (changed(old, changes)) await writeAudit(deps, options?.audit);
      return old;
    },
    async publicBoards(range) {
      return listIndex('gsi1', PUBLIC_BOARDS, { op: '<', value: range.before ?? TOP }, range.limit);
    },
    async withRetention(range) {
      return listIndex('gsi2', RETAINED_BOARDS, { op: '>', value: range.after ?? '' }, range.limit);
    },
  };
}

/** SET (and for retention REMOVE) clauses for the given changes; null when nothing is to change. */
function updateExpression(
  id: string,
  changes: BoardChanges,
): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} | null {
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assign = (attribute: string, value: unknown) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    set.push(`#${attribute} = :${attribute}`);
  };
  if (changes.name !== undefined) assign('name', changes.name);
  if (changes.description !== undefined) assign('description', changes.description);
  if (changes.retentionDays !== undefined) {
    assign('retentionDays', changes.retentionDays);
    if (changes.retentionDays === null) {
      names['#g2pk'] = MAIN_INDEXES.gsi2.pk;
      names['#g2sk'] = MAIN_INDEXES.gsi2.sk;
      remove.push('#g2pk', '#g2sk');
    } else {
      assign(MAIN_INDEXES.gsi2.pk, RETAINED_BOARDS);
      assign(MAIN_INDEXES.gsi2.sk, id);
    }
  }
  if (set.length === 0 && remove.length === 0) return null;
  const clauses = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

function changed(before: BoardRecord, changes: BoardChanges): boolean {
  return (
    (changes.name !== undefined && changes.name !== before.name) ||
    (changes.description !== undefined && changes.description !== before.description) ||
    (changes.retentionDays !== undefined && changes.retentionDays !== before.retentionDays)
  );
}

function toItem(board: BoardRecord): Item {
  return {
    ...boardKey(board.id),
    ...(board.visibility === 'public' ? { gsi1pk: PUBLIC_BOARDS, gsi1sk: board.id } : {}),
    ...(board.retentionDays !== null ? { gsi2pk: RETAINED_BOARDS, gsi2sk: board.id } : {}),
    ...board,
  };
}

/** The record fields of a board item (keys, index keys and the message sequence are left out). */
export function toRecord(item: Item): BoardRecord {
  return {
    id: str(item.id),
    name: str(item.name),
    description: str(item.description),
    visibility: BoardVisibility.parse(item.visibility),
    owner: str(item.owner),
    memberCount: num(item.memberCount),
    retentionDays: typeof item.retentionDays === 'number' ? item.retentionDays : null,
    createdAt: num(item.createdAt),
  };
}
