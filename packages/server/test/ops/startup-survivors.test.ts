import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { promoteStartUpSurvivors } from '../../src/runtimes/node/startup-survivors.js';

const youngBytes = (): number =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;

describe('promoteStartUpSurvivors', () => {
  it('moves what is still alive out of the young generation, and leaves gc unexposed', () => {
    // Long-lived objects made just now, as start-up makes its caches: young until two scavenges have seen them.
    const kept = Array.from({ length: 20_000 }, (_, i) => ({ i, name: `entry ${i}` }));
    expect(youngBytes()).toBeGreaterThan(500_000);
    promoteStartUpSurvivors();
    // Promoted: the young generation holds (nearly) nothing, and the objects are all there.
    expect(youngBytes()).toBeLessThan(200_000);
    expect(kept.every((o, i) => o.name === `entry ${i}`)).toBe(true);
    // The flag that made `gc` reachable is off again: a context made afterwards has no `gc`.
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
