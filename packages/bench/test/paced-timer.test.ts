import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { leanRequest } from '../src/lean-http.js';
import { startPaced } from '../src/paced.js';
import { setRealtime, thisThreadId } from '../src/realtime.js';

// The paced sender's timer and scheduling class, on this thread against a real HTTP server on loopback. Counts only
// (wake-ups, requests, the scheduling policy): nothing here is timed.
let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

async function listen(): Promise<string> {
  server = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** This thread's voluntary context switches so far (each a wait in the event loop's poll), or null off Linux. */
function wakeUps(): number | null {
  try {
    const line = readFileSync('/proc/thread-self/status', 'utf8').match(/^voluntary_ctxt_switches:\s+(\d+)/m);
    return line ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

/** The scheduling policy of thread `tid` (field 41 of its stat: 0 normal, 1 SCHED_FIFO). */
function policyOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

const lean = (url: string) => {
  const request = leanRequest(url, { method: 'GET', path: '/r', headers: {} });
  return {
    baseUrl: url,
    connections: 2,
    request: () => {
      throw new Error('lean only');
    },
    lean: () => request,
    preconnect: true,
  };
};

describe('the paced sender', () => {
  it('wakes a slow load at its due times, not every millisecond, and never sends early', async () => {
    const url = await listen();
    const before = wakeUps();
    // 50 requests a second for 0.4 s: 20 due, 20 ms apart.
    const result = await startPaced({ ...lean(url), rate: 50, durationS: 0.4 }).done;
    const after = wakeUps();
    expect(result.errors).toBe(0);
    expect(result.responses).toBeGreaterThanOrEqual(20);
    expect(result.responses).toBeLessThanOrEqual(21);
    expect(result.sendLate?.summary().count).toBe(result.responses);
    expect(Math.min(...result.sendLate!.toArray())).toBeGreaterThanOrEqual(0);
    // A 1 ms tick woke this thread ~280 times over the load; at the due times it is the 20 sends, their answers and
    // the test server's own events (~25).
    if (before !== null && after !== null) expect(after - before).toBeLessThan(100);
  });

  it('stops an open-ended slow load at once, its requests in flight answered', async () => {
    const url = await listen();
    let answered = 0;
    // One request a minute: the first is due at once, the next a minute away.
    const run = startPaced({ ...lean(url), rate: 1 / 60, onSample: () => (answered += 1) });
    while (answered === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    run.stop();
    const result = await run.done;
    expect(result.responses).toBe(1);
    expect(result.errors).toBe(0);
  });

  it('puts a thread in the real-time class and back, where the machine allows it', () => {
    const tid = thisThreadId();
    if (tid === null) return; // not Linux
    if (!setRealtime(tid, 1)) return; // no chrt or no CAP_SYS_NICE: the bench reports the class it did not get
    try {
      expect(policyOf(tid)).toBe(1);
    } finally {
      expect(setRealtime(tid, 0)).toBe(true);
    }
    expect(policyOf(tid)).toBe(0);
  });
});
