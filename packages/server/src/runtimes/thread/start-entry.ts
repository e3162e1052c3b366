import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a thread's entry module of this folder (`name` without extension): the built `.js`, or, when this module
 * runs from its TypeScript source (vitest, tsx), the `.ts` through tsx's loader, registered in the thread first
 * (Node 20 does not apply a worker's `--import` hooks to its entry module).
 */
export function startEntry(name: string, workerData: unknown): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./${name}${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  // The ES module build of tsx's API (what `import('tsx/esm/api')` loads): its register() installs the loader hooks.
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
