import { spawnSync } from 'node:child_process';
import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../src/runtimes/node/heap-flags.js';
import { promoteStartUpSurvivors } from '../../src/runtimes/node/startup-survivors.js';

const youngBytes = (): number =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;

/** The built module, as `tweeter serve` runs it (bin/tweeter.js loads dist): a child process has the server's flags. */
const BUILT = new URL('../../dist/runtimes/node/startup-survivors.js', import.meta.url).href;

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

  it("writes the server's young generation once, so the first requests' allocations fault no page in", () => {
    // A node with the server's heap flags: start-up's step, then ~80 MB of short-lived objects (more than both
    // semi-spaces), as the first seconds of traffic allocate; the page faults the process took meanwhile.
    const script = `
      const { getHeapSpaceStatistics } = await import('node:v8');
      const { promoteStartUpSurvivors } = await import(${JSON.stringify(BUILT)});
      const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      promoteStartUpSurvivors();
      const written = young();
      const faults = process.resourceUsage().minorPageFault;
      const kept = [];
      for (let i = 0; i < 2_000_000; i++) { const o = { i, name: 'x' + i }; if (i % 1000 === 0) kept.push(o); }
      process.stdout.write(JSON.stringify({ written, faults: process.resourceUsage().minorPageFault - faults, kept: kept.length }));
    `;
    const child = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as {
      written: { space_size: number; physical_space_size: number };
      faults: number;
      kept: number;
    };
    // Both 32 MiB semi-spaces committed and written before the traffic.
    expect(out.written.space_size).toBe(64 * 1024 * 1024);
    expect(out.written.physical_space_size).toBe(out.written.space_size);
    // Left to the traffic, the same allocations took ~16,000 faults (one a 4 KB page of 64 MB); written first, ~300.
    expect(out.faults).toBeLessThan(4_000);
    expect(out.kept).toBe(2_000);
  }, 30_000);
});
