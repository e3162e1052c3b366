import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsSampler } from '../src/metrics-sampler.js';
import { residentBytes } from '../src/proc-rss.js';

// A stand-in for the server's /metrics: the default metrics the sampler reads, and how often it was asked.
async function metricsServer(): Promise<{ url: string; scrapes: () => number; server: Server }> {
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.url === '/metrics') scrapes += 1;
    res.end(
      [
        'process_resident_memory_bytes 50000000',
        'nodejs_heap_size_used_bytes 20000000',
        'process_cpu_seconds_total 1.5',
      ].join('\n'),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}`, scrapes: () => scrapes, server };
}

const open: Server[] = [];
afterEach(() => {
  for (const server of open.splice(0)) server.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.platform === 'linux')(
  'the bench follows a local server from /proc, scraping as Prometheus would',
  () => {
    it('counts a child process in the resident memory it reads', async () => {
      const alone = residentBytes(process.pid) ?? 0;
      expect(alone).toBeGreaterThan(10 * 1024 * 1024);
      const child = spawn(process.execPath, [
        '-e',
        'const b = Buffer.alloc(64 * 1024 * 1024, 1); setTimeout(() => b, 10000)',
      ]);
      try {
        // The child has touched its 64 MiB once its RSS shows them.
        let withChild = 0;
        for (let i = 0; i < 100 && withChild < alone + 64 * 1024 * 1024; i++) {
          await sleep(50);
          withChild = residentBytes(process.pid) ?? 0;
        }
        expect(withChild).toBeGreaterThan(alone + 60 * 1024 * 1024);
      } finally {
        child.kill();
      }
      expect(residentBytes(2 ** 22 + 12345)).toBeUndefined();
    });

    it('reads memory every tick but scrapes /metrics only at the start, the end and its own interval', async () => {
      const stub = await metricsServer();
      open.push(stub.server);
      const sampler = new MetricsSampler(stub.url, 20, { pid: process.pid, scrapeIntervalMs: 60_000 });
      sampler.start();
      await sampler.resetPeak();
      await sleep(300);
      const summary = await sampler.stop();
      expect(summary.scrapes).toBe(1); // the end's; the start's was before the mark
      expect(stub.scrapes()).toBe(2); // the mark's and the end's
      expect(summary.samples).toBeGreaterThan(5);
      // The resident memory is this process's, from /proc, not the stand-in's 50 MB.
      expect(summary.rssMbPeak).not.toBe(47.68);
      expect(summary.rssMbPeak).toBeGreaterThan(10);
      expect(summary.heapMbPeak).toBeCloseTo(19.07, 1);
    });

    it('scrapes at every tick a server it knows only by URL', async () => {
      const stub = await metricsServer();
      open.push(stub.server);
      const sampler = new MetricsSampler(stub.url, 20);
      sampler.start();
      await sampler.resetPeak();
      await sleep(300);
      const summary = await sampler.stop();
      expect(summary.scrapes).toBeGreaterThan(5);
      expect(summary.rssMbPeak).toBe(47.68);
    });
  },
);
