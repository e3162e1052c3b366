import { parseWhole } from '@tweeter/server/tooling';
import sharp from 'sharp';
import { ApiClient } from '../api-client.js';
import { startFeedReaders } from '../load.js';
import { Samples } from '../percentiles.js';
import { latencyFigure, scenarioResult, type ScenarioResult } from '../result.js';
import { sampleAliases, sleep, startSampler, withServer, type TargetOptions } from '../setup.js';
import type { BenchServer } from '../server.js';
import { FEED_GRAPH } from './feed.js';
import { upload, uploadPhases, type Readers } from './media-uploads.js';
import { option, type ScenarioDefinition } from './registry.js';

export type MediaParams = {
  users: number;
  readers: number;
  rate: number;
  /** Feed pages measured per server in each feed phase (a p99 of at least 5,000 has 50 samples above it). */
  pages: number;
  uploads: number;
  concurrent: number;
  /** Pairs of phases (readers alone, readers under uploads) the budget's `pages` are split over. */
  cycles: number;
};

/** A photo-like JPEG of about 4 MB (noisy pixels do not compress away): the upload the budget names. */
async function fourMegabyteJpeg(): Promise<Buffer> {
  const width = 3400;
  const height = 2300;
  const raw = Buffer.alloc(width * height * 3);
  let seed = 11;
  for (let i = 0; i < raw.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = ((i % (width * 3)) / 16 + (seed >> 25)) & 255;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

/**
 * Feed page latencies of two servers measured in one phase, requests interleaved: each server gets `rate` pages/s
 * for `pages / rate` seconds, the second's schedule offset by half the interval (A, B, A, B...), so both
 * servers see the same moments of the machine's noise and their p99s can be compared.
 */
async function alternatingFeeds(
  [first, second]: readonly [Readers, Readers],
  params: Pick<MediaParams, 'readers' | 'rate'>,
  pages: number,
) {
  const offsetMs = 1000 / params.rate / 2;
  const measure = async (s: Readers, delayMs: number) => {
    await sleep(delayMs);
    const load = await startFeedReaders({
      baseUrl: s.url,
      tokens: s.tokens,
      connections: params.readers,
      rate: params.rate,
      durationS: pages / params.rate,
    }).done;
    return { summary: load.latencies.summary(), errors: load.errors };
  };
  return Promise.all([measure(first, 0), measure(second, offsetMs)]);
}

/**
 * Three budgets of issue 24 on one machine. (1) Feed page p99 of two servers of the same graph (one text-only, one
 * with images on 30% of statuses), up at once and read alternately in the same phase: the ratio and both p99s.
 * (2) A 4 MB JPEG from upload to ready (the 201: decoded, re-encoded, stored) p50, with the server's peak RSS.
 * (3) Other readers' feed p99 on the media server while `concurrent` uploads run non-stop, against the same
 * server's p99 without uploads, in alternated phases (see uploadPhases); the text-only server is stopped by then,
 * so nothing but the load generator shares the machine with the server under test.
 */
export async function runMediaScenario(params: MediaParams, target: TargetOptions): Promise<ScenarioResult> {
  const graph = { users: params.users, celebrity: 'celebrity', followers: 0, ...FEED_GRAPH };
  const readerAliases = sampleAliases(target.seed + 2, params.users, params.readers);
  // Sign-ins are scrypt: on a loaded machine one can pass the client's 10 s time-out, so each is retried alone.
  const signIn = async (server: BenchServer): Promise<Readers> => {
    const api = new ApiClient(server.url);
    const tokens: string[] = [];
    for (const alias of readerAliases) {
      for (let attempt = 1; ; attempt++) {
        try {
          tokens.push(await api.login(alias, target.password));
          break;
        } catch (err) {
          if (attempt >= 4) throw err;
          target.log(`sign-in failed (${String(err)}): trying again`);
        }
      }
    }
    return { url: server.url, pid: server.pid, tokens };
  };

  target.log('two populations of the same graph: images on 30% of statuses, and text-only');
  const out = await withServer(target, { ...graph, mediaShare: 0.3 }, async (mediaServer) => {
    const media = await signIn(mediaServer);
    const ratio = await withServer(target, graph, async (textServer) => {
      const text = await signIn(textServer);
      await alternatingFeeds([text, media], params, params.rate * 2); // warm-up: 2 s
      target.log(`feed pages, text-only and with images alternately: ${params.pages} of each`);
      const [textOnly, withMedia] = await alternatingFeeds([text, media], params, params.pages);
      return { textOnly, withMedia };
    });
    const page = await new ApiClient(media.url).feed(media.tokens[0] ?? '', 20);
    const items = page.value.items as { media?: unknown[] }[];
    const itemsWithMedia = items.filter((s) => (s.media ?? []).length).length;

    target.log(`${params.uploads} uploads of a 4 MB JPEG, one at a time`);
    const jpeg = await fourMegabyteJpeg();
    const uploader = media.tokens[0] ?? '';
    let errors = 0;
    const sampler = await startSampler(media.url, media.pid);
    const one = new Samples();
    for (let i = 0; i < params.uploads; i++) {
      const r = await upload(media.url, uploader, jpeg);
      if (r.ok) one.push(r.ms);
      else errors += 1;
    }
    const memory = await sampler.stop();

    target.log(
      `other readers' feed pages, alternately without and with ${params.concurrent} uploads at once ` +
        `(${params.cycles} pairs of phases, ${params.pages} pages each way)`,
    );
    const others = {
      url: media.url,
      pid: media.pid,
      tokens: media.tokens.length > 1 ? media.tokens.slice(1) : media.tokens,
    };
    const phases = await uploadPhases({
      readers: others,
      uploader,
      jpeg,
      rate: params.rate,
      connections: params.readers,
      pages: params.pages,
      cycles: params.cycles,
      concurrent: params.concurrent,
      log: target.log,
    });
    errors += ratio.textOnly.errors + ratio.withMedia.errors + phases.quiet.errors + phases.busy.errors;
    errors += phases.errors;
    return { ...ratio, itemsWithMedia, one: one.summary(), memory, phases, jpegBytes: jpeg.length, errors };
  });

  const ratio = out.withMedia.summary.p99 / Math.max(0.01, out.textOnly.summary.p99);
  const { quiet, busy } = out.phases;
  return scenarioResult('media', params, {
    upload_to_ready_ms: latencyFigure(out.one),
    upload_bytes: out.jpegBytes,
    rss_mb_peak: out.memory.rssMbPeak, // the server and its image child
    feed_text_only_ms: latencyFigure(out.textOnly.summary),
    feed_with_media_ms: latencyFigure(out.withMedia.summary),
    feed_p99_ratio: Math.round(ratio * 100) / 100,
    feed_page_items_with_media: out.itemsWithMedia,
    // The budget: other readers' p99 under uploads (<= 20 ms), beside the same server's p99 without them.
    feed_during_uploads_ms: latencyFigure(busy.latencies),
    feed_without_uploads_ms: latencyFigure(quiet.latencies),
    feed_p99_added_by_uploads_ms: Math.round((busy.latencies.p99 - quiet.latencies.p99) * 100) / 100,
    feed_pages_per_s: { offered: params.rate, without_uploads: quiet.pagesPerSecond, during: busy.pagesPerSecond },
    uploads_during: out.phases.uploaded,
    uploads_refused_503_during: out.phases.refused,
    rss_mb_peak_during_uploads: busy.rssMbPeak,
    // In % of one core, each condition's mean: the server process, its image child, the load generator (this
    // process: readers and uploaders), everything else on the machine.
    cpu_pct_without_uploads: { ...quiet.cpuPct },
    cpu_pct_during_uploads: { ...busy.cpuPct },
    // Where a reader waits: the server's event loop and the timing loop's own, each condition's worst phase.
    loop_delay_ms_without_uploads: { ...quiet.loopDelayMs },
    loop_delay_ms_during_uploads: { ...busy.loopDelayMs },
    server_gc_without_uploads: { ...quiet.serverGc },
    server_gc_during_uploads: { ...busy.serverGc },
    errors: out.errors,
  });
}

export const mediaScenario: ScenarioDefinition<MediaParams> = {
  name: 'media',
  description:
    'Image uploads: feed p99 text-only vs images on 30% of statuses (alternated), 4 MB JPEG upload-to-ready, ' +
    'feed p99 of other readers under 20 uploads at once against the same server without uploads (alternated phases)',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '2000'),
    option('readers', 'concurrent feed readers, each a different user', '16'),
    option('rate', 'feed requests/s to each server in a feed phase (open loop)', '100'),
    option(
      'pages',
      'feed pages measured on each server (ratio), and in each condition with and without uploads',
      '5000',
    ),
    option('uploads', 'sequential 4 MB uploads for upload-to-ready', '10'),
    option('concurrent', 'uploads at once in each phase with uploads', '20'),
    option('cycles', 'pairs of phases without and with uploads (`pages` split over them)', '3'),
  ],
  parse(flags) {
    const users = parseWhole(flags.users ?? '', '--users', FEED_GRAPH.followeesEach + 2, 1_000_000);
    return {
      users,
      readers: parseWhole(flags.readers ?? '', '--readers', 2, Math.min(1000, users)),
      rate: parseWhole(flags.rate ?? '', '--rate', 1, 100_000),
      pages: parseWhole(flags.pages ?? '', '--pages', 1, 10_000_000),
      uploads: parseWhole(flags.uploads ?? '', '--uploads', 1, 1000),
      concurrent: parseWhole(flags.concurrent ?? '', '--concurrent', 1, 200),
      cycles: parseWhole(flags.cycles ?? '', '--cycles', 1, 100),
    };
  },
  run: runMediaScenario,
};
