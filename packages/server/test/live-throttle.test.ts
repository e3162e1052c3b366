import { describe, expect, it } from 'vitest';
import { LiveThrottle } from '../src/services/live-throttle.js';

// At most one push per key per window, the newest: the first of a quiet window at once, the last of the window at
// its end; other keys are not held back; no window sends everything.

describe('LiveThrottle', () => {
  it('sends the first push at once and only the newest of the rest when the window ends', async () => {
    const sent: string[] = [];
    // A long window, so that the pushes below fall within it even on a loaded machine.
    const throttle = new LiveThrottle(1_000);
    for (const n of [1, 2, 3, 4]) throttle.push('S1', () => sent.push(`S1:${n}`));
    throttle.push('S2', () => sent.push('S2:1'));
    expect(sent).toEqual(['S1:1', 'S2:1']);
    await expect.poll(() => sent, { timeout: 5_000 }).toEqual(['S1:1', 'S2:1', 'S1:4']);
    // The window restarts at the deferred push: the next one waits for it too.
    throttle.push('S1', () => sent.push('S1:5'));
    expect(sent).toEqual(['S1:1', 'S2:1', 'S1:4']);
    await expect.poll(() => sent, { timeout: 5_000 }).toEqual(['S1:1', 'S2:1', 'S1:4', 'S1:5']);
  });

  it('with no window sends every push at once', () => {
    const sent: number[] = [];
    const throttle = new LiveThrottle(0);
    for (const n of [1, 2, 3]) throttle.push('S1', () => sent.push(n));
    expect(sent).toEqual([1, 2, 3]);
  });
});
