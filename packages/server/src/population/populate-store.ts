import type { Config } from '../config/config.js';
import { systemClock } from '../ports/clock.js';
import { openStoresChecked } from '../wiring/stores.js';
import type { PopulationPlan } from './graph.js';
import { populate, type PopulationSummary } from './populate.js';
import { createProgress } from './progress.js';
import { LIMITS } from '@tweeter/shared';
import type { MediaImage } from '../ports/store.js';
import { putEncoded } from '../services/encoded-image.js';
import { ImagePipeline } from '../services/image-pipeline.js';
import { openBlobs } from '../wiring/stores.js';

/**
 * Runs a population plan against the store `config` names (progress on stderr), then closes it. The embedded file
 * takes the fast path (hundreds of writes per transaction); DynamoDB takes batch writes (BatchWriteItem of 25).
 */
export async function populateStore(config: Config, plan: PopulationPlan): Promise<PopulationSummary> {
  const opened = await openStoresChecked(config, systemClock);
  try {
    const stockImages = (plan.mediaShare ?? 0) > 0 ? await makeStockImages(config) : [];
    return await populate(plan, {
      stockImages,
      store: opened.store,
      clock: systemClock,
      scrypt: { N: config.scryptCost, r: 8, p: 1 },
      progress: createProgress(process.stderr),
      ...(opened.writeBatch ? { writeBatch: opened.writeBatch } : {}),
      populationWriter: opened.populationWriter,
    });
  } finally {
    await opened.close();
  }
}

/** Four stock pictures through the upload pipeline into the blob store, as an upload would store them. */
async function makeStockImages(config: Config): Promise<MediaImage[]> {
  const { default: sharp } = await import('sharp');
  const blobs = await openBlobs(config);
  const pipeline = new ImagePipeline();
  try {
    const out: MediaImage[] = [];
    for (let k = 0; k < 4; k++) {
      const hue = k * 90;
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"><rect width="100%" height="100%" ` +
        `fill="hsl(${hue},60%,50%)"/><circle cx="600" cy="500" r="300" fill="hsl(${hue + 150},70%,70%)"/></svg>`;
      const img = await pipeline.process(await sharp(Buffer.from(svg)).jpeg().toBuffer(), {
        longSide: LIMITS.mediaLongSide,
        previewLongSide: LIMITS.mediaPreviewLongSide,
      });
      const key = `media/populate-stock-${k}.jpg`;
      const previewKey = `media/populate-stock-${k}-preview.jpg`;
      await putEncoded(blobs.value, key, img.image, img.type);
      await putEncoded(blobs.value, previewKey, img.preview, img.type);
      const { width, height, blurhash } = img;
      out.push({ id: `01POPSTOCK${k}`, key, previewKey, width, height, blurhash, alt: `Stock picture ${k + 1}` });
    }
    return out;
  } finally {
    await blobs.close();
  }
}
