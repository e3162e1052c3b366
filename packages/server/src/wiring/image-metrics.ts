import { Gauge, type Registry } from 'prom-client';
import type { ImageChild } from '../runtimes/child/image-child.js';
import type { ImagePipeline } from '../services/image-pipeline.js';

/**
 * The server's image decoding in /metrics: decodes running and waiting (the bound past which uploads are 503), and
 * image child processes started (more than one: the child died and was replaced, its decodes sent again).
 */
export function registerImageMetrics(registry: Registry, pipeline: ImagePipeline, child: ImageChild): void {
  new Gauge({
    name: 'tweeter_image_decodes',
    help: 'Image decodes in the server, by state (running, waiting for a turn)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { running, waiting } = pipeline.load();
      this.set({ state: 'running' }, running);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  new Gauge({
    name: 'tweeter_image_child_starts',
    help: 'Image child processes started since the server started (the first one and each replacement)',
    registers: [registry],
    collect() {
      this.set(child.starts);
    },
  });
}
