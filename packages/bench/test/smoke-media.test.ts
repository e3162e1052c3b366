import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/result.js';
import { runBench } from './support.js';

// The media scenario end to end at a tiny size against real child servers: the busy phases' uploads run on the
// upload worker thread (their counts come back from it), and the loop delays and GC of each condition are reported.
// No timing is asserted.

const out = mkdtempSync(join(tmpdir(), 'tweeter-bench-smoke-media-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('tweeter bench media', () => {
  it('uploads from the worker thread while readers are timed; the figures are there', async () => {
    const file = join(out, 'media.json');
    const res = await runBench([
      'media',
      ...['--users', '30', '--readers', '4', '--rate', '20', '--pages', '40'],
      ...['--uploads', '1', '--concurrent', '2', '--cycles', '1', '--json', file],
    ]);
    expect(res.stderr.match(/error.*/gi)?.filter((l) => !/^errors? /.test(l)) ?? []).toEqual([]);
    expect(res.status).toBe(0);
    const { results } = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(results).toMatchObject({ errors: 0, uploads_refused_503_during: 0 });
    expect(results.uploads_during).toBeGreaterThan(0);
    for (const key of ['loop_delay_ms_without_uploads', 'loop_delay_ms_during_uploads']) {
      expect(results[key]).toMatchObject({
        serverP99: expect.any(Number),
        serverMax: expect.any(Number),
        timerP99: expect.any(Number),
        timerMax: expect.any(Number),
      });
    }
    expect(results.server_gc_during_uploads).toMatchObject({
      pausesOver10ms: expect.any(Number),
      msPerSecondMax: expect.any(Number),
    });
  });
});
