import { AuditAction } from '@tweeter/shared';
import type { AuditRecord, AuditRepo } from '../../../ports/store.js';
import { queryUpTo, type DynamoDeps, type Item } from '../client.js';
import { auditOf } from './keys.js';
import { putItem, num, str } from './items.js';

// Upper bound for "no before": '~' sorts after every character an id uses.
const TOP = '~';

/**
 * Writes an audit entry right after the change it records (no cross-item transaction): a crash in between loses
 * this one entry, never records a change that did not happen. Keyed by (scope, id), so a retry rewrites it.
 */
export async function writeAudit(deps: DynamoDeps, entry: AuditRecord | undefined): Promise<void> {
  if (!entry) return;
  await putItem(deps, { Item: { pk: auditOf(entry.scope), sk: entry.id, ...entry } });
}

/** The audit log on DynamoDB: one partition per scope, read newest first. */
export function createDynamoAuditRepo(deps: DynamoDeps): AuditRepo {
  return {
    async list(scope, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': auditOf(scope), ':before': range.before ?? TOP },
          ScanIndexForward: false,
          ConsistentRead: true,
        },
        range.limit,
      );
      return items.map(toRecord);
    },
  };
}

function toRecord(item: Item): AuditRecord {
  return {
    scope: str(item.scope),
    id: str(item.id),
    actor: str(item.actor),
    action: AuditAction.parse(item.action),
    target: str(item.target),
    // Written by writeAudit from typed records, so the shape is trusted.
    detail: (item.detail ?? {}) as AuditRecord['detail'],
    createdAt: num(item.createdAt),
  };
}
