import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS, LAMBDA_ENTRY_DIR } from '@tweeter/server/deployment';
import { afterAll, describe, expect, it } from 'vitest';

// Each Lambda entry bundled as the stack bundles it (CommonJS, better-sqlite3 left out), then loaded in a fresh
// Node process with the AWS shape's settings: a module that cannot load in a bundle (say, one that reads
// import.meta at start) would fail every invocation of the deployed function, which no synth assertion sees.
const out = mkdtempSync(join(tmpdir(), 'tweeter-bundles-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const AWS_ENV = {
  LOG_LEVEL: 'silent',
  DATA_DIR: join(out, 'data'),
  TWEETER_STORE: 'dynamodb',
  TWEETER_QUEUE: 'sqs',
  TWEETER_BLOBS: 's3',
  TWEETER_REALTIME: 'apigw',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  S3_BUCKET: 'tweeter-test-bucket',
  WEBSOCKET_MANAGEMENT_ENDPOINT: 'https://example.execute-api.us-east-1.amazonaws.com/prod',
  STREAM_URL: 'wss://example.execute-api.us-east-1.amazonaws.com/prod',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

describe('the Lambda bundles', () => {
  for (const { entry } of Object.values(FUNCTIONS)) {
    it(`${entry}: bundles to CommonJS without better-sqlite3 and sharp and loads with a handler`, async () => {
      const file = join(out, entry.replace(/\.ts$/, '.cjs'));
      await build({
        entryPoints: [join(LAMBDA_ENTRY_DIR, entry)],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['better-sqlite3', 'sharp'],
        outfile: file,
        logLevel: 'silent',
      });
      // The Node.js Lambda runtime's global for response streaming (the export function wraps its handler with it).
      const runtime = 'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };';
      const script = `${runtime} const m = require(${JSON.stringify(file)}); console.log(typeof m.handler); process.exit(0);`;
      const res = spawnSync(process.execPath, ['-e', script], {
        env: { PATH: process.env['PATH'], ...AWS_ENV },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      expect(res.stdout.trim()).toBe('function');
    });
  }
});
