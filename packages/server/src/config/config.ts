import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvSchema } from './env.js';

/** The server's typed, validated configuration; built once at start by loadConfig. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file holding the store and the job queue. */
  databaseFile: string;
  /** Prefix of absolute URLs the server hands out (image URLs); '' gives root-relative URLs. */
  publicUrl: string;
  /** The built web app served at `/` (index.html and hashed assets); it may not exist yet. */
  webDir: string;
  logLevel: string;
  tokenTtlMs: number;
  bodyLimitBytes: number;
  login: { maxFailures: number; windowMs: number };
  jobs: {
    concurrency: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    visibilityMs: number;
    pollMs: number;
  };
  fanout: { pageSize: number; batchSize: number; batchPauseMs: number; backfillCount: number };
  scryptCost: number;
  /** Live stream (WebSocket) limits, per connection. */
  stream: {
    authTimeoutMs: number;
    heartbeatMs: number;
    maxSubscriptions: number;
    ratePerSecond: number;
    rateBurst: number;
    maxBufferedBytes: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads and checks the environment; throws a ConfigError listing EVERY problem at once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.JOB_BACKOFF_MAX_MS < e.JOB_BACKOFF_BASE_MS) problems.push('JOB_BACKOFF_MAX_MS: must be >= JOB_BACKOFF_BASE_MS');
  if (e.FANOUT_BATCH_SIZE > e.FANOUT_PAGE_SIZE) problems.push('FANOUT_BATCH_SIZE: must be <= FANOUT_PAGE_SIZE');
  if (problems.length) throw new ConfigError(problems);
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: resolve(dataDir, 'tweeter.db'),
    publicUrl: e.PUBLIC_URL ?? '',
    // By default the web package's build output, found from this module (src/ or dist/ alike).
    webDir: e.WEB_DIR ? resolve(e.WEB_DIR) : fileURLToPath(new URL('../../../web/dist', import.meta.url)),
    logLevel: e.LOG_LEVEL,
    tokenTtlMs: e.TOKEN_TTL_DAYS * 86_400_000,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    login: { maxFailures: e.LOGIN_MAX_FAILURES, windowMs: e.LOGIN_WINDOW_SECONDS * 1000 },
    jobs: {
      concurrency: e.WORKER_CONCURRENCY,
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      backoffBaseMs: e.JOB_BACKOFF_BASE_MS,
      backoffMaxMs: e.JOB_BACKOFF_MAX_MS,
      visibilityMs: e.JOB_VISIBILITY_MS,
      pollMs: e.JOB_POLL_MS,
    },
    fanout: {
      pageSize: e.FANOUT_PAGE_SIZE,
      batchSize: e.FANOUT_BATCH_SIZE,
      batchPauseMs: e.FANOUT_BATCH_PAUSE_MS,
      backfillCount: e.BACKFILL_COUNT,
    },
    scryptCost: e.SCRYPT_COST,
    stream: {
      authTimeoutMs: e.WS_AUTH_TIMEOUT_MS,
      heartbeatMs: e.WS_HEARTBEAT_MS,
      maxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      rateBurst: e.WS_RATE_BURST,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    },
  };
}
