import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseWhole } from '@tweeter/server/tooling';
import { startPaced } from '../paced.js';
import { Samples } from '../percentiles.js';
import { awaitDrained } from '../queue-drain.js';
import { latencyFigure, postFigure, scenarioResult, serverFigures, type ScenarioResult } from '../result.js';
import { postRequest, signInWriters, startSampler, withServer, writersGraph, type TargetOptions } from '../setup.js';
import { option, parseDuration, parseWriters, writerOptions, type ScenarioDefinition } from './registry.js';

export type CardsParams = {
  users: number;
  writers: number;
  durationS: number;
  rate: number;
  /** How long the local site takes to answer each page (a slow site must not slow posting). */
  siteDelayMs: number;
  /** Statuses posted one at a time afterwards, each timed until its card is ready. */
  samples: number;
};

const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 10;

/**
 * Link cards against a local site (the child server may fetch loopback: CARD_FETCH_ALLOW_LOOPBACK, for benchmarks
 * and tests only). The same paced posting twice: plain text, then every post linking a page never seen before (so
 * every post makes the server fetch one, from a site answering after `siteDelayMs`): the post p99 of both, to show
 * the fetch never slows posting. Then `samples` statuses posted one by one, each polled until its card is ready.
 */
export async function runCardsScenario(params: CardsParams, target: TargetOptions): Promise<ScenarioResult> {
  const site = await startSite(params.siteDelayMs);
  const serverEnv = { ...target.serverEnv, CARD_FETCH_ALLOW_LOOPBACK: 'true' };
  try {
    return await withServer(
      { ...target, serverEnv },
      writersGraph({ ...params, followeesEach: Math.min(5, params.users - 1) }),
      async (server) => {
        const { api, tokens } = await signInWriters(server.url, params, target, { seedOffset: 5, post: '' });
        const sampler = await startSampler(server.url, server.pid);
        let n = 0;
        const phase = async (text: (i: number) => string) => {
          const run = startPaced({
            baseUrl: server.url,
            connections: params.writers,
            rate: params.rate,
            durationS: params.durationS,
            request: (i) => postRequest(tokens[i % tokens.length] ?? '', { post: text(n++) }),
          });
          return run.done;
        };
        target.log(`posting plain text at ${params.rate}/s for ${params.durationS} s`);
        const plain = await phase((i) => `Bench status ${i}`);
        await awaitDrained(server.url, 60_000);
        target.log(`posting a new link each time at ${params.rate}/s for ${params.durationS} s`);
        const linked = await phase((i) => `Bench status ${i} reading ${site.url}/article/${i}`);
        const drain = await awaitDrained(server.url, 120_000);

        target.log(`timing ${params.samples} cards from post to ready`);
        const ready = new Samples();
        let missing = 0;
        for (let s = 0; s < params.samples; s++) {
          const token = tokens[s % tokens.length] ?? '';
          const started = performance.now();
          const { value: status } = await api.post(token, `Sample ${s} ${site.url}/sample/${s}`);
          let done = false;
          while (!done && performance.now() - started < READY_TIMEOUT_MS) {
            done = (await api.status(token, status.id)).value.card !== null;
            if (!done) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          }
          if (done) ready.push(performance.now() - started);
          else missing++;
        }
        const memory = await sampler.stop();
        const plainP = plain.latencies.summary();
        const linkedP = linked.latencies.summary();
        return scenarioResult('cards', params, {
          post_ms: postFigure(linkedP),
          post_plain_ms: latencyFigure(plainP),
          post_with_links_ms: latencyFigure(linkedP),
          post_p99_links_over_plain: plainP.p99 > 0 ? Math.round((linkedP.p99 / plainP.p99) * 100) / 100 : 0,
          card_ready_ms: latencyFigure(ready.summary()),
          card_jobs_drain_s: drain.drained ? drain.seconds : -1,
          pages_fetched: site.hits(),
          cards_missing: missing,
          site_delay_ms: params.siteDelayMs,
          ...serverFigures(memory),
          errors: plain.errors + linked.errors + missing,
        });
      },
    );
  } finally {
    await site.close();
  }
}

/** A local site: every page has OpenGraph tags, answered after `delayMs`. */
async function startSite(delayMs: number): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><title>Page</title><meta property="og:title" content="Article ${req.url ?? ''}">` +
          '<meta property="og:description" content="A page for the benchmark"><meta property="og:site_name" content="Bench">' +
          `</head><body>${'<p>text</p>'.repeat(200)}</body></html>`,
      );
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const cardsScenario: ScenarioDefinition<CardsParams> = {
  name: 'cards',
  description: 'Link cards: post latency with and without links (a slow local site), and card time to ready',
  options: [
    ...writerOptions('1000', '20'),
    option('duration', 'seconds of each posting phase', '10'),
    option('rate', 'posts/s in total in each phase, evenly spaced', '50'),
    option('site-delay-ms', 'how long the local site takes to answer a page', '200'),
    option('samples', 'statuses timed one by one from post to card ready', '20'),
  ],
  parse(flags, given) {
    return {
      ...parseWriters(flags, given),
      durationS: parseDuration(flags),
      rate: parseWhole(flags.rate ?? '', '--rate', 1, 100_000),
      siteDelayMs: parseWhole(flags.siteDelayMs ?? '', '--site-delay-ms', 0, 7_000),
      samples: parseWhole(flags.samples ?? '', '--samples', 1, 10_000),
    };
  },
  run: runCardsScenario,
};
