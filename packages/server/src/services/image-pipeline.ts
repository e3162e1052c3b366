import { availableParallelism } from 'node:os';
import { UnavailableError } from '../domain/errors.js';
import {
  decodeImage,
  type DecodeLimits,
  type ImageDecoder,
  type ImageInput,
  type ImageSizes,
  type ProcessedImage,
} from './image-decode.js';

export type { ProcessedImage } from './image-decode.js';

export interface ImagePipelineOptions extends DecodeLimits {
  /** Decodes at once (each on one libuv pool thread); further uploads wait their turn. */
  concurrency: number;
  /** Uploads that may wait for a turn; past that a new one is refused with 503 at once. */
  maxWaiting: number;
  /**
   * Who decodes: this thread (the default: a job, a Lambda) or an image thread (the server, so that the decoded
   * pixels, their garbage and the blurhash never land on the thread that answers reads).
   */
  decoder?: ImageDecoder;
}

export const DEFAULT_IMAGE_PIPELINE: ImagePipelineOptions = {
  // Half the cores (at least one): decoding is CPU-bound, and the event loop needs a core of its own for reads.
  concurrency: Math.max(1, Math.floor(availableParallelism() / 2)),
  maxWaiting: 32,
  maxInputPixels: 50_000_000,
  timeoutSeconds: 10,
};

/**
 * Decodes uploads (see decodeImage) with a semaphore: at most `concurrency` at once, `maxWaiting` in line, and a
 * 503 past that. A decompression bomb (too many pixels) is a 413 before decoding; a truncated or corrupt file a 400.
 */
export class ImagePipeline {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly decode: ImageDecoder;

  constructor(private readonly options: ImagePipelineOptions = DEFAULT_IMAGE_PIPELINE) {
    this.decode = options.decoder ?? decodeImage;
  }

  /** Uploads being processed now and waiting for a turn (for /metrics and tests). */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Decodes an image (bytes, or a file's path); with an image thread, bytes in memory are handed over (the caller
   * must not read them after).
   */
  async process(input: ImageInput, sizes: ImageSizes): Promise<ProcessedImage> {
    await this.acquire();
    try {
      const { maxInputPixels, timeoutSeconds } = this.options;
      return await this.decode(input, sizes, { maxInputPixels, timeoutSeconds });
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running += 1;
      return;
    }
    if (this.waiting.length >= this.options.maxWaiting) {
      throw new UnavailableError('too many images are being processed: retry in a few seconds', 2);
    }
    // The slot is handed over by release(), so running never drops in between.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
