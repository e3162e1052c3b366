import { sendError, type WriteAnswer } from '../../adapters/sqlite/remote-writes.js';

/**
 * The writer's thread's answers to the HTTP thread, gathered: the answers given while the microtask queue drains (a
 * group commit's, whose promises all settle in the loop that ends the group) go in one message, posted once the
 * queue is empty (`process.nextTick` from a microtask runs after the drain). One wake-up of the HTTP thread and one
 * message event there for a group, not one each. `flush()` sends what is gathered at once: the thread's other
 * messages (realtime pushes, `stopped`) call it first, so they never overtake an answer given before them.
 */
export class WriteAnswers {
  private answers: WriteAnswer[] = [];
  private readonly flushSoon = (): void => this.flush();

  constructor(private readonly post: (answers: WriteAnswer[]) => void) {}

  add(answer: WriteAnswer): void {
    if (this.answers.push(answer) === 1) process.nextTick(this.flushSoon);
  }

  flush(): void {
    if (this.answers.length === 0) return;
    const batch = this.answers;
    this.answers = [];
    try {
      this.post(batch);
    } catch {
      // A value that cannot cross threads (a bug in the write's port) is answered as a failure, not lost with the
      // rest of the group's answers.
      for (const answer of batch) {
        try {
          this.post([answer]);
        } catch (err) {
          this.post([{ id: answer.id, ok: false, error: sendError(err), heldMs: answer.heldMs }]);
        }
      }
    }
  }
}
