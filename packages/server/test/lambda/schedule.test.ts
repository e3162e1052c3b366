import { describe, expect, it } from 'vitest';
import { RETENTION_GRACE_MS } from '../../src/jobs/board-retention.js';
import { createScheduleHandler } from '../../src/runtimes/lambda/schedule-handler.js';
import { invocation } from '../support/lambda-events.js';
import { ManualClock } from '../support/manual-clock.js';
import { socialApi } from '../support/social.js';
import { useTestApp } from '../support/use-test-app.js';

// The scheduled handler, fed what an EventBridge rule of the stack sends: `{"task": <job name>}`.
const DAY = 86_400_000;
const clock = new ManualClock(Date.now());
const t = useTestApp({ overrides: { workers: false, clock } });

describe('the scheduled handler', () => {
  it('runs boards.retention in the invocation: expired messages are purged, recent ones kept', async () => {
    const api = socialApi(t);
    const ann = await t.register('schedann');
    const board = await api.createBoard(ann, { retentionDays: 1 });
    const old = await api.postOk(ann, board.id, 'old');
    clock.advance(DAY / 2);
    const recent = await api.postOk(ann, board.id, 'recent');
    clock.advance(DAY / 2 + RETENTION_GRACE_MS + 60_000); // past retention and its grace
    expect(await t.ctx.store.messages.get(board.id, old.id)).not.toBeNull(); // hidden, not yet purged

    const run = createScheduleHandler(Promise.resolve(t.ctx));
    expect(await run({ task: 'boards.retention' }, invocation())).toEqual({ task: 'boards.retention' });
    expect(await t.ctx.store.messages.get(board.id, old.id)).toBeNull();
    expect(await t.ctx.store.messages.get(board.id, recent.id)).not.toBeNull();
  });

  it('fails the invocation for a task that is not scheduled (EventBridge then retries it)', async () => {
    const run = createScheduleHandler(Promise.resolve(t.ctx));
    await expect(run({ task: 'no.such.task' }, invocation())).rejects.toThrow(/no scheduled job "no.such.task"/);
    await expect(run({} as { task: string }, invocation())).rejects.toThrow(/no scheduled job/);
  });
});
