import { LIMITS, codePointLength, type AuditEntry, type Board, type UpdateBoardRequest } from '@tweeter/shared';

/** The settings form as typed: retention is text, '' meaning "keep messages forever". */
export interface BoardSettingsFields {
  name: string;
  description: string;
  retentionDays: string;
}

export function settingsFields(board: Board): BoardSettingsFields {
  return {
    name: board.name,
    description: board.description,
    retentionDays: board.retentionDays === null ? '' : String(board.retentionDays),
  };
}

/**
 * What saving would send (only the fields that changed, trimmed) and the problems the server would refuse,
 * said before the round trip; the server stays the authority.
 */
export function settingsChanges(
  board: Board,
  f: BoardSettingsFields,
): { changes: UpdateBoardRequest; problems: string[] } {
  const problems: string[] = [];
  const changes: UpdateBoardRequest = {};
  const name = f.name.trim();
  const description = f.description.trim();
  if (codePointLength(name) < 1 || codePointLength(name) > LIMITS.boardNameMax)
    problems.push(`The name must be 1 to ${LIMITS.boardNameMax} characters`);
  else if (name !== board.name) changes.name = name;
  if (codePointLength(description) > LIMITS.boardDescriptionMax)
    problems.push(`The description must be at most ${LIMITS.boardDescriptionMax} characters`);
  else if (description !== board.description) changes.description = description;
  const retention = f.retentionDays.trim();
  const days = retention === '' ? null : Number(retention);
  if (days !== null && (!/^\d+$/.test(retention) || days < LIMITS.retentionDaysMin || days > LIMITS.retentionDaysMax))
    problems.push(
      `Keep messages for ${LIMITS.retentionDaysMin} to ${LIMITS.retentionDaysMax} days, or leave it empty to keep them forever`,
    );
  else if (days !== board.retentionDays) changes.retentionDays = days;
  return { changes, problems };
}

function retention(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'forever';
  return Number(value) === 1 ? '1 day' : `${value} days`;
}

/** One line of the audit log, as a person would say it ("@ada made @bob a moderator (was member)"). */
export function describeAudit(e: AuditEntry): string {
  const who = `@${e.actor.alias}`;
  const d = e.detail;
  switch (e.action) {
    case 'member.add':
      return `${who} added @${e.target} as ${d.role ?? 'member'}`;
    case 'member.role':
      return `${who} made @${e.target} a ${d.to} (was ${d.from})`;
    case 'member.remove':
      return `${who} removed @${e.target} (${d.role ?? 'member'})`;
    case 'message.delete':
      return `${who} deleted a message by @${d.author}`;
    case 'comment.delete':
      return `${who} deleted a comment by @${d.author}`;
    case 'board.retention':
      return `${who} changed how long messages are kept from ${retention(d.from)} to ${retention(d.to)}`;
  }
}
