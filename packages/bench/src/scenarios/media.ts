import { parseWhole } from '@tweeter/server/tooling';
import sharp from 'sharp';
import { ApiClient } from '../api-client.js';
import { startFeedReaders } from '../load.js';
import { Samples } from '../percentiles.js';
import { latencyFigure, scenarioResult, type ScenarioResult } from '../result.js';
import { sampleAliases, sleep, startSampler, withServer, type TargetOptions } from '../setup.js';
import type { BenchServer } from '../server.js';
import { FEED_GRAPH } from './feed.js';
import { option, type ScenarioDefinition } from './registry.js';

export type MediaParams = {
  users: number;
  readers: number;
  rate: number;
  /** Feed pages measured per server in each feed phase (a p99 of at least 5,000 has 50 samples above it). */
  pages: number;
  uploads: number;
  concurrent: number;
};

/** A server to read feeds from in a phase: its URL and its readers' tokens. */
interface Readers {
  url: string;
  tokens: string[];
}

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

async function upload(url: string, token: string, bytes: Buffer): Promise<{ ok: boolean; status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: bytes,
  });
  await res.arrayBuffer();
  return { ok: res.status === 201, status: res.status, ms: performance.now() - started };
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
 * Three budgets of issue 24 on one machine, with two servers of the same graph up at once (one text-only, one with
 * images on 30% of statuses): (1) feed page p99 of both, measured alternately in the same phase (ratio and both
 * p99s); (2) a 4 MB JPEG from upload to ready (the 201: decoded, re-encoded, stored) p50, with the server's peak RSS;
 * (3) feed p99 of other readers of the media server while `concurrent` uploads run non-stop, alternated with the
 * text-only server's p99 at the same moments (the control: what the machine's noise alone gives).
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
    return { url: server.url, tokens };
  };

  target.log('two populations of the same graph: text-only, and images on 30% of statuses');
  const out = await withServer(target, graph, async (textServer) => {
    // Signed in before the other server starts: sign-ins are scrypt, slow on a loaded machine.
    const text = await signIn(textServer);
    return withServer(target, { ...graph, mediaShare: 0.3 }, async (mediaServer) => {
      const media = await signIn(mediaServer);
      await alternatingFeeds([text, media], params, params.rate * 2); // warm-up: 2 s
      target.log(`feed pages, text-only and with images alternately: ${params.pages} of each`);
      const [textOnly, withMedia] = await alternatingFeeds([text, media], params, params.pages);
      const page = await new ApiClient(media.url).feed(media.tokens[0] ?? '', 20);
      const items = page.value.items as { media?: unknown[] }[];
      const itemsWithMedia = items.filter((s) => (s.media ?? []).length).length;

      target.log(`${params.uploads} uploads of a 4 MB JPEG, one at a time`);
      const jpeg = await fourMegabyteJpeg();
      const uploader = media.tokens[0] ?? '';
      let errors = 0;
      const sampler = await startSampler(media.url);
      const one = new Samples();
      for (let i = 0; i < params.uploads; i++) {
        const r = await upload(media.url, uploader, jpeg);
        if (r.ok) one.push(r.ms);
        else errors += 1;
      }
      const memory = await sampler.stop();

      target.log(`${params.concurrent} uploads at once, non-stop, while the other readers read feeds`);
      let stop = false;
      let uploaded = 0;
      let refused = 0;
      const uploaders = Array.from({ length: params.concurrent }, async () => {
        while (!stop) {
          const r = await upload(media.url, uploader, jpeg);
          if (r.ok) uploaded += 1;
          else if (r.status === 503)
            refused += 1; // the waiting bound: counted, not an error
          else if (!stop) errors += 1;
        }
      });
      const busySampler = await startSampler(media.url);
      const others = { url: media.url, tokens: media.tokens.length > 1 ? media.tokens.slice(1) : media.tokens };
      const [during, control] = await alternatingFeeds([others, text], params, params.pages);
      stop = true;
      await Promise.all(uploaders);
      const busyMemory = await busySampler.stop();
      errors += textOnly.errors + withMedia.errors + during.errors + control.errors;
      return {
        textOnly,
        withMedia,
        itemsWithMedia,
        one: one.summary(),
        memory,
        during,
        control,
        uploaded,
        refused,
        busyMemory,
        jpegBytes: jpeg.length,
        errors,
      };
    });
  });

  const ratio = out.withMedia.summary.p99 / Math.max(0.01, out.textOnly.summary.p99);
  return scenarioResult('media', params, {
    upload_to_ready_ms: latencyFigure(out.one),
    upload_bytes: out.jpegBytes,
    rss_mb_peak: out.memory.rssMbPeak,
    feed_text_only_ms: latencyFigure(out.textOnly.summary),
    feed_with_media_ms: latencyFigure(out.withMedia.summary),
    feed_p99_ratio: Math.round(ratio * 100) / 100,
    feed_page_items_with_media: out.itemsWithMedia,
    feed_during_uploads_ms: latencyFigure(out.during.summary),
    feed_control_during_uploads_ms: latencyFigure(out.control.summary),
    uploads_during: out.uploaded,
    uploads_refused_503_during: out.refused,
    rss_mb_peak_during_uploads: out.busyMemory.rssMbPeak,
    event_loop_lag_ms_max_during_uploads: out.busyMemory.eventLoopLagMsMax,
    event_loop_lag_p99_ms_median_window_during_uploads: out.busyMemory.eventLoopLagMsP99.median,
    event_loop_lag_p99_ms_worst_window_during_uploads: out.busyMemory.eventLoopLagMsP99.max,
    server_cpu_pct_during_uploads: out.busyMemory.cpuPct.server,
    other_cpu_pct_during_uploads: out.busyMemory.cpuPct.other,
    errors: out.errors,
  });
}

export const mediaScenario: ScenarioDefinition<MediaParams> = {
  name: 'media',
  description:
    'Image uploads: feed p99 text-only vs images on 30% of statuses (alternated), 4 MB JPEG upload-to-ready, ' +
    'feed p99 of other readers under 20 uploads at once (with a text-only control at the same moments)',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '2000'),
    option('readers', 'concurrent feed readers, each a different user', '16'),
    option('rate', 'feed requests/s to each server in a feed phase (open loop)', '100'),
    option('pages', 'feed pages measured on each server in each feed phase', '5000'),
    option('uploads', 'sequential 4 MB uploads for upload-to-ready', '10'),
    option('concurrent', 'uploads at once during the last feed phase', '20'),
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
    };
  },
  run: runMediaScenario,
};
