import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvSchema, type Env } from './env.js';
import { sqliteSettings } from './sqlite-settings.js';
import type { Config } from './config-types.js';

export type { AwsConfig, Config, RealtimeConfig, StaticCredentials } from './config-types.js';

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
    // Each problem names the variable, echoes the value given and says what is allowed.
    const byName = new Map<string, Set<string>>();
    for (const i of parsed.error.issues) {
      const name = i.path.join('.');
      byName.set(name, (byName.get(name) ?? new Set()).add(i.message));
    }
    throw new ConfigError(
      [...byName].map(([name, messages]) => `${name}=${JSON.stringify(env[name] ?? '')}: ${[...messages].join('; ')}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.JOB_BACKOFF_MAX_MS < e.JOB_BACKOFF_BASE_MS) {
    problems.push(
      `JOB_BACKOFF_MAX_MS=${e.JOB_BACKOFF_MAX_MS}: must be at least JOB_BACKOFF_BASE_MS (${e.JOB_BACKOFF_BASE_MS})`,
    );
  }
  const shape = {
    store: e.TWEETER_STORE,
    queue: e.TWEETER_QUEUE ?? (e.TWEETER_STORE === 'dynamodb' ? 'sqs' : 'sqlite'),
    blobs: e.TWEETER_BLOBS,
  } as const;
  const fanout = fanoutDefaults(shape.store, e.FANOUT_PAGE_SIZE, e.FANOUT_BATCH_SIZE);
  if (fanout.batchSize > fanout.pageSize) {
    problems.push(`FANOUT_BATCH_SIZE=${fanout.batchSize}: must be at most FANOUT_PAGE_SIZE (${fanout.pageSize})`);
  }
  problems.push(...shapeProblems(shape, e));
  if (e.TWEETER_REALTIME === 'apigw') {
    if (!e.WEBSOCKET_MANAGEMENT_ENDPOINT)
      problems.push('WEBSOCKET_MANAGEMENT_ENDPOINT: required when TWEETER_REALTIME=apigw');
    if (!e.STREAM_URL) problems.push('STREAM_URL: required when TWEETER_REALTIME=apigw (the WebSocket API URL)');
    if (!e.AWS_REGION && !problems.some((p) => p.startsWith('AWS_REGION:')))
      problems.push('AWS_REGION: required when TWEETER_REALTIME=apigw');
  }
  if (e.CARD_FETCH_ALLOW_LOOPBACK === 'true' && e.NODE_ENV === 'production') {
    problems.push(
      'CARD_FETCH_ALLOW_LOOPBACK=true: refused with NODE_ENV=production (it lets link cards reach this machine)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: resolve(dataDir, 'tweeter.db'),
    publicUrl: e.PUBLIC_URL ?? '',
    mediaUrl: e.MEDIA_URL ?? e.PUBLIC_URL ?? '',
    // By default the web package's build output, found from this module (src/ or dist/ alike).
    webDir: e.WEB_DIR ? resolve(e.WEB_DIR) : defaultWebDir(),
    logLevel: e.LOG_LEVEL,
    tokenTtlMs: e.TOKEN_TTL_DAYS * 86_400_000,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: e.LOGIN_WINDOW_SECONDS * 1000,
      aliasDelayMaxMs: e.LOGIN_ALIAS_DELAY_MAX_MS,
    },
    registration: { maxPerAddress: e.REGISTER_MAX_PER_ADDRESS, windowMs: e.REGISTER_WINDOW_SECONDS * 1000 },
    passwordHashing: { concurrency: e.PASSWORD_HASH_CONCURRENCY, queue: e.PASSWORD_HASH_QUEUE },
    imageNice: e.IMAGE_NICE,
    backgroundNice: e.BACKGROUND_NICE,
    v8HelpersNice: e.V8_HELPERS_NICE,
    writeRateLimits: e.WRITE_RATE_LIMITS,
    relationsMax: e.RELATIONS_MAX,
    trustProxy: e.TRUST_PROXY,
    statusCacheTtlMs: e.STATUS_CACHE_TTL_SECONDS * 1000,
    notificationRetentionMs: e.NOTIFICATION_RETENTION_DAYS * 86_400_000,
    jobs: {
      // SQS workers long-poll and each runs its received batch in order: more loops keep a stage's jobs (a
      // fan-out's deliver pages) running side by side instead of queued behind one another in one batch.
      concurrency: e.WORKER_CONCURRENCY ?? (shape.queue === 'sqs' ? 4 : 2),
      threads: e.JOB_THREADS ?? (shape.store === 'sqlite' ? 1 : 0),
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      backoffBaseMs: e.JOB_BACKOFF_BASE_MS,
      backoffMaxMs: e.JOB_BACKOFF_MAX_MS,
      visibilityMs: e.JOB_VISIBILITY_MS,
      pollMs: e.JOB_POLL_MS,
    },
    fanout: {
      ...fanout,
      batchPauseMs: e.FANOUT_BATCH_PAUSE_MS,
      backfillCount: e.BACKFILL_COUNT,
      pullThreshold: e.FANOUT_PULL_THRESHOLD,
      pullMax: e.FEED_PULL_MAX,
      feedMaxEntries: e.FEED_MAX_ENTRIES,
    },
    scryptCost: e.SCRYPT_COST,
    shape,
    aws:
      shape.store === 'dynamodb' || shape.queue === 'sqs' || shape.blobs === 's3'
        ? {
            region: e.AWS_REGION ?? '',
            endpoints: {
              ...(e.DYNAMODB_ENDPOINT ? { dynamodb: e.DYNAMODB_ENDPOINT } : {}),
              ...(e.SQS_ENDPOINT ? { sqs: e.SQS_ENDPOINT } : {}),
              ...(e.S3_ENDPOINT ? { s3: e.S3_ENDPOINT } : {}),
            },
            tables: { main: e.DYNAMODB_TABLE_MAIN, feeds: e.DYNAMODB_TABLE_FEEDS },
            writeBudget: e.DYNAMODB_WRITE_BUDGET ?? null,
            queuePrefix: e.SQS_QUEUE_PREFIX,
            bucket: e.S3_BUCKET ?? null,
            s3ForcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
          }
        : null,
    stream: {
      authTimeoutMs: e.WS_AUTH_TIMEOUT_MS,
      heartbeatMs: e.WS_HEARTBEAT_MS,
      maxSubscriptions: e.WS_MAX_SUBSCRIPTIONS,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      rateBurst: e.WS_RATE_BURST,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      sessionCheckMs: e.WS_SESSION_CHECK_MS,
      writeThread: e.WS_WRITE_THREAD === 'on',
    },
    realtime:
      e.TWEETER_REALTIME === 'apigw'
        ? {
            kind: 'apigw',
            managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT ?? '',
            connectionsTable: e.DYNAMODB_TABLE_MAIN,
            region: e.AWS_REGION ?? '',
            dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
            postConcurrency: e.APIGW_POST_CONCURRENCY,
          }
        : { kind: 'ws' },
    streamUrl: e.STREAM_URL,
    cards: {
      enabled: e.LINK_CARDS === 'on',
      allowLoopback: e.CARD_FETCH_ALLOW_LOOPBACK === 'true',
      totalTimeoutMs: e.CARD_FETCH_TIMEOUT_MS,
    },
    searchIndex: e.SEARCH_INDEX === 'on',
    sqlite: sqliteSettings(e),
  };
}

/** What cannot work together, one message each. */
function shapeProblems(
  shape: { store: 'sqlite' | 'dynamodb'; queue: 'sqlite' | 'sqs'; blobs: 'fs' | 's3' },
  e: Env,
): string[] {
  const problems: string[] = [];
  if (shape.store === 'sqlite' && shape.queue === 'sqs') {
    problems.push(
      'TWEETER_QUEUE: sqs needs TWEETER_STORE=dynamodb: the SQLite store writes its jobs into its own file in the ' +
        'same transaction as the data (its outbox), so it cannot hand them to SQS',
    );
  }
  if (shape.store === 'dynamodb' && shape.queue === 'sqlite') {
    problems.push(
      'TWEETER_QUEUE: sqlite needs TWEETER_STORE=sqlite: a DynamoDB store is shared by many processes, and jobs in ' +
        "one machine's SQLite file would be stranded there when it goes",
    );
  }
  if (shape.store === 'sqlite' && (e.JOB_THREADS ?? 0) > 1) {
    problems.push(
      `JOB_THREADS=${e.JOB_THREADS}: must be 0 or 1: the job thread owns the SQLite file's one writer, and a second ` +
        'writer would only wait for its lock',
    );
  }
  if (shape.store !== 'sqlite' && (e.JOB_THREADS ?? 0) > 0) {
    problems.push(
      `JOB_THREADS=${e.JOB_THREADS}: job threads need TWEETER_STORE=sqlite (on AWS the jobs run in Lambda functions)`,
    );
  }
  const usesAws = shape.store === 'dynamodb' || shape.queue === 'sqs' || shape.blobs === 's3';
  if (usesAws && !e.AWS_REGION) {
    problems.push('AWS_REGION: required with TWEETER_STORE=dynamodb, TWEETER_QUEUE=sqs or TWEETER_BLOBS=s3');
  }
  if (shape.blobs === 's3' && !e.S3_BUCKET) problems.push('S3_BUCKET: required with TWEETER_BLOBS=s3');
  if (e.DYNAMODB_TABLE_MAIN === e.DYNAMODB_TABLE_FEEDS) {
    problems.push('DYNAMODB_TABLE_FEEDS: must differ from DYNAMODB_TABLE_MAIN');
  }
  return problems;
}

/**
 * The web app's build beside this package (packages/web/dist). A bundled copy (the Lambda functions, CommonJS)
 * has no module URL and no web app next to it: there `/` says the app is not built, unless WEB_DIR names one.
 */
function defaultWebDir(): string {
  const here = import.meta.url as string | undefined;
  return here ? fileURLToPath(new URL('../../../web/dist', here)) : resolve('web-dist');
}

/**
 * Followers per deliver job and per write. SQLite writes a batch in one transaction on the event loop, so batches
 * stay small; DynamoDB writes a page in parallel BatchWriteItem calls off the event loop, where larger pages mean
 * fewer planning steps, page counts and follower reads (each a request) per post.
 */
function fanoutDefaults(
  store: 'sqlite' | 'dynamodb',
  pageSize: number | undefined,
  batchSize: number | undefined,
): { pageSize: number; batchSize: number } {
  const page = pageSize ?? (store === 'dynamodb' ? 2500 : 1000);
  return { pageSize: page, batchSize: batchSize ?? (store === 'dynamodb' ? page : 500) };
}
