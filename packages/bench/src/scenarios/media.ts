import { parseWhole } from '@tweeter/server/tooling';
import sharp from 'sharp';
import { ApiClient } from '../api-client.js';
import { startFeedReaders } from '../load.js';
import { Samples } from '../percentiles.js';
import { latencyFigure, scenarioResult, type ScenarioResult } from '../result.js';
import { sampleAliases, startSampler, withServer, type TargetOptions } from '../setup.js';
import type { BenchServer } from '../server.js';
import { FEED_GRAPH } from './feed.js';
import { option, parseDuration, type ScenarioDefinition } from './registry.js';

export type MediaParams = {
  users: number;
  readers: number;
  rate: number;
  durationS: number;
  uploads: number;
  concurrent: number;
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

async function upload(url: string, token: string, bytes: Buffer): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: bytes,
  });
  await res.arrayBuffer();
  return { ok: res.status === 201, ms: performance.now() - started };
}

/** Feed page latency of `readers` at `rate` for `durationS`, while `during` runs (if any). */
async function feedP99(server: BenchServer, tokens: string[], params: MediaParams) {
  const run = startFeedReaders({
    baseUrl: server.url,
    tokens,
    connections: params.readers,
    rate: params.rate,
    durationS: params.durationS,
  });
  const load = await run.done;
  return { summary: load.latencies.summary(), errors: load.errors };
}

/**
 * Three budgets of issue 24 on one machine: (1) a 4 MB JPEG from upload to ready (the 201 answer: decoded, re-encoded,
 * stored) p50, with the server's peak RSS; (2) feed page p99 with images on 30% of statuses against a text-only
 * population of the same graph; (3) feed p99 of other readers while `concurrent` uploads run non-stop.
 */
export async function runMediaScenario(params: MediaParams, target: TargetOptions): Promise<ScenarioResult> {
  const graph = { users: params.users, celebrity: 'celebrity', followers: 0, ...FEED_GRAPH };
  const readerAliases = sampleAliases(target.seed + 2, params.users, params.readers);
  let errors = 0;

  target.log('text-only population: feed page p99');
  const textOnly = await withServer(target, graph, async (server) => {
    const tokens = await new ApiClient(server.url).loginAll(readerAliases, target.password);
    await feedP99(server, tokens, { ...params, durationS: 2 }); // warm-up
    return feedP99(server, tokens, params);
  });
  errors += textOnly.errors;

  target.log('population with images on 30% of statuses');
  const media = await withServer(target, { ...graph, mediaShare: 0.3 }, async (server) => {
    const api = new ApiClient(server.url);
    const tokens = await api.loginAll(readerAliases, target.password);
    await feedP99(server, tokens, { ...params, durationS: 2 });
    const withMedia = await feedP99(server, tokens, params);
    const page = await api.feed(tokens[0] ?? '', 20);
    const itemsWithMedia = (page.value.items as { media?: unknown[] }[]).filter((s) => (s.media ?? []).length).length;

    target.log(`${params.uploads} uploads of a 4 MB JPEG, one at a time`);
    const jpeg = await fourMegabyteJpeg();
    const uploader = tokens[0] ?? '';
    const sampler = await startSampler(server.url);
    const one = new Samples();
    for (let i = 0; i < params.uploads; i++) {
      const r = await upload(server.url, uploader, jpeg);
      if (r.ok) one.push(r.ms);
      else errors += 1;
    }
    const memory = await sampler.stop();

    target.log(`${params.concurrent} uploads at once, non-stop, while the other readers read feeds`);
    let stop = false;
    let uploaded = 0;
    const uploaders = Array.from({ length: params.concurrent }, async () => {
      while (!stop) {
        const r = await upload(server.url, uploader, jpeg);
        if (r.ok) uploaded += 1;
        else if (!stop) errors += 1;
      }
    });
    const busySampler = await startSampler(server.url);
    const readersOnly = tokens.slice(1);
    const during = await feedP99(server, readersOnly.length ? readersOnly : tokens, params);
    stop = true;
    await Promise.all(uploaders);
    const busyMemory = await busySampler.stop();
    return {
      withMedia,
      itemsWithMedia,
      one: one.summary(),
      memory,
      during,
      uploaded,
      busyMemory,
      jpegBytes: jpeg.length,
    };
  });
  errors += media.withMedia.errors + media.during.errors;

  const ratio = media.withMedia.summary.p99 / Math.max(0.01, textOnly.summary.p99);
  return scenarioResult('media', params, {
    upload_to_ready_ms: latencyFigure(media.one),
    upload_bytes: media.jpegBytes,
    rss_mb_peak: media.memory.rssMbPeak,
    feed_text_only_ms: latencyFigure(textOnly.summary),
    feed_with_media_ms: latencyFigure(media.withMedia.summary),
    feed_p99_ratio: Math.round(ratio * 100) / 100,
    feed_page_items_with_media: media.itemsWithMedia,
    feed_during_uploads_ms: latencyFigure(media.during.summary),
    uploads_during: media.uploaded,
    rss_mb_peak_during_uploads: media.busyMemory.rssMbPeak,
    event_loop_lag_ms_max_during_uploads: media.busyMemory.eventLoopLagMsMax,
    event_loop_lag_p99_ms_median_window_during_uploads: media.busyMemory.eventLoopLagMsP99.median,
    event_loop_lag_p99_ms_worst_window_during_uploads: media.busyMemory.eventLoopLagMsP99.max,
    server_cpu_pct_during_uploads: media.busyMemory.cpuPct.server,
    other_cpu_pct_during_uploads: media.busyMemory.cpuPct.other,
    errors,
  });
}

export const mediaScenario: ScenarioDefinition<MediaParams> = {
  name: 'media',
  description:
    'Image uploads: 4 MB JPEG upload-to-ready, feed p99 with images on 30% of statuses, feed p99 under uploads',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '2000'),
    option('readers', 'concurrent feed readers, each a different user', '16'),
    option('rate', 'feed requests/s in total (open loop)', '100'),
    option('duration', 'seconds of each feed measurement', '10'),
    option('uploads', 'sequential 4 MB uploads for upload-to-ready', '10'),
    option('concurrent', 'uploads at once during the last feed measurement', '20'),
  ],
  parse(flags) {
    const users = parseWhole(flags.users ?? '', '--users', FEED_GRAPH.followeesEach + 2, 1_000_000);
    return {
      users,
      readers: parseWhole(flags.readers ?? '', '--readers', 2, Math.min(1000, users)),
      rate: parseWhole(flags.rate ?? '', '--rate', 1, 100_000),
      durationS: parseDuration(flags),
      uploads: parseWhole(flags.uploads ?? '', '--uploads', 1, 1000),
      concurrent: parseWhole(flags.concurrent ?? '', '--concurrent', 1, 200),
    };
  },
  run: runMediaScenario,
};
