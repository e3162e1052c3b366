import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { flagValue, startWithSemiSpace } from '../src/runtimes/thread/thread-heap.js';

// A worker that answers with its young generation's size (new_space: what its semi-spaces were configured to).
const REPORTER = `
const { getHeapSpaceStatistics } = require('node:v8');
const { parentPort } = require('node:worker_threads');
parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
`;

function newSpaceOf(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.once('message', (size: number) => resolve(size));
    worker.once('error', reject);
  }).finally(() => void worker.terminate()) as Promise<number>;
}

const MB = 1024 * 1024;

describe('startWithSemiSpace', () => {
  afterAll(() => {
    // This test process runs without the flags: V8's defaults back for whatever runs after.
    setFlagsFromString('--max-semi-space-size=0');
    setFlagsFromString('--min-semi-space-size=0');
  });

  it('gives the worker its own young generation and puts the process flags back for later isolates', async () => {
    // The process's own flags, as `tweeter serve` has them (16 MB semi-spaces), set before anything starts.
    const processArgs = ['--min-semi-space-size=16', '--max-semi-space-size=16'];
    setFlagsFromString('--max-semi-space-size=16');
    setFlagsFromString('--min-semi-space-size=16');
    const mainBefore = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size;

    const small = startWithSemiSpace({ min: 1, max: 1 }, () => new Worker(REPORTER, { eval: true }), processArgs);
    expect(await newSpaceOf(small)).toBeLessThanOrEqual(2 * MB);

    // A worker started afterwards gets the process's 16 MB again: the flags were restored when the first came online.
    const plain = new Worker(REPORTER, { eval: true });
    expect(await newSpaceOf(plain)).toBeGreaterThanOrEqual(16 * MB);
    // And the running thread's heap was never reconfigured.
    expect(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size).toBe(mainBefore);
  });

  it('reads the flags from node’s command line, the last one winning, 0 when absent', () => {
    expect(flagValue(['--max-semi-space-size=32', '--min-semi-space-size=16'], 'min')).toBe(16);
    expect(flagValue(['--max_semi_space_size=8', '--max-semi-space-size=32'], 'max')).toBe(32);
    expect(flagValue(['--inspect'], 'max')).toBe(0);
  });
});
