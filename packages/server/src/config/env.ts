import { isIP } from 'node:net';
import { z } from 'zod';
import { SqliteEnvFields } from './sqlite-settings.js';

/** A whole number in [min, max]; every failure says the same thing: what is allowed. */
const int = (min: number, max: number) => {
  const allowed = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: allowed }).int(allowed).min(min, allowed).max(max, allowed);
};
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const endpoint = () =>
  z
    .string()
    .url('must be a URL like http://127.0.0.1:4567')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional();
const awsName = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _, . and - only');

/** Every environment variable the server reads, with its default. Nothing else reads process.env. */
export const EnvSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  PUBLIC_URL: z
    .string()
    .url('must be an absolute URL like https://tweeter.example')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Origin of image URLs when a CDN serves `/media/*` (the CDK stack's CloudFront); unset: PUBLIC_URL. */
  MEDIA_URL: z
    .string()
    .url('must be an absolute URL like https://d1234.cloudfront.net')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  WEB_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  TOKEN_TTL_DAYS: int(1, 365).default(30),
  BODY_LIMIT_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
  // Abuse limits (docs/api.md, "Limits").
  LOGIN_MAX_FAILURES: int(1, 10_000).default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: int(1, 1_000_000).default(100),
  LOGIN_WINDOW_SECONDS: int(1, 86_400).default(60),
  LOGIN_ALIAS_DELAY_MAX_MS: int(0, 60_000).default(10_000),
  REGISTER_MAX_PER_ADDRESS: int(1, 1_000_000).default(30),
  REGISTER_WINDOW_SECONDS: int(1, 86_400).default(3600),
  PASSWORD_HASH_CONCURRENCY: int(1, 64).default(4),
  PASSWORD_HASH_QUEUE: int(0, 10_000).default(32),
  /** Nice value of the server's image child process, every thread of it; 0 leaves it at the server's. */
  IMAGE_NICE: int(0, 19).default(10),
  /** Nice value of the job thread (the writer, fan-out) and the checkpoint thread; 0 (default) leaves them as they are. */
  BACKGROUND_NICE: int(0, 19).default(0),
  /** Nice value of V8's helper threads (optimizing compiles, collections' helpers); 0 leaves them at the server's. */
  V8_HELPERS_NICE: int(0, 19).default(10),
  RELATIONS_MAX: int(1, 1_000_000).default(10_000),
  WRITE_RATE_LIMITS: z
    .string()
    .trim()
    .default('on')
    .transform((v, ctx) => {
      const scale = v === 'on' ? 1 : v === 'off' ? 0 : Number(v);
      if (v === '' || !Number.isFinite(scale) || scale <= 0 || scale > 1000) {
        if (v !== 'off') {
          ctx.addIssue({
            code: 'custom',
            message: `"${v.slice(0, 40)}" is not on, off or a multiplier (0 < x <= 1000)`,
          });
          return z.NEVER;
        }
      }
      return scale;
    }),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (parsed === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v.slice(0, 60)}" is not false, true, a hop count or a comma-separated list of addresses/CIDRs`,
        });
        return z.NEVER;
      }
      return parsed;
    }),
  STATUS_CACHE_TTL_SECONDS: int(1, 86_400).default(60),
  /** Notification groups older than this are removed (and never shown). */
  NOTIFICATION_RETENTION_DAYS: int(1, 3650).default(90),
  /** Defaults to 2, or 4 per stage queue on SQS (see loadConfig). */
  WORKER_CONCURRENCY: int(0, 64).optional(),
  /** Unset: 1 with the SQLite store, 0 (the server's own thread) otherwise. */
  JOB_THREADS: int(0, 8).optional(),
  JOB_MAX_ATTEMPTS: int(1, 100).default(5),
  JOB_BACKOFF_BASE_MS: int(1, 3_600_000).default(1000),
  JOB_BACKOFF_MAX_MS: int(1, 43_200_000).default(300_000),
  JOB_VISIBILITY_MS: int(100, 3_600_000).default(30_000),
  JOB_POLL_MS: int(10, 60_000).default(1000),
  /** Both default by store (see loadConfig): 1000 and 500 on SQLite, 2500 and 2500 on DynamoDB. */
  FANOUT_PAGE_SIZE: int(1, 10_000).optional(),
  FANOUT_BATCH_SIZE: int(1, 10_000).optional(),
  FANOUT_BATCH_PAUSE_MS: int(0, 10_000).default(0),
  BACKFILL_COUNT: int(0, 1000).default(50),
  FANOUT_PULL_THRESHOLD: int(0, 1_000_000_000).default(50_000),
  FEED_PULL_MAX: int(1, 1000).default(100),
  /** Entries a home feed keeps (newest first); older ones are trimmed by the feed.trim job (docs/architecture.md). */
  FEED_MAX_ENTRIES: int(10, 100_000).default(1000),
  WS_AUTH_TIMEOUT_MS: int(50, 60_000).default(5000),
  WS_HEARTBEAT_MS: int(50, 300_000).default(25_000),
  WS_MAX_SUBSCRIPTIONS: int(1, 10_000).default(100),
  WS_RATE_PER_SECOND: int(1, 10_000).default(20),
  WS_RATE_BURST: int(1, 10_000).default(40),
  WS_MAX_BUFFERED_BYTES: int(1024, 1024 * 1024 * 1024).default(1024 * 1024),
  WS_SESSION_CHECK_MS: int(50, 3_600_000).default(60_000),
  /** A second thread writes half of each broadcast slice's sockets (adapters/ws/write-helper.ts). */
  WS_WRITE_THREAD: z.enum(['on', 'off']).default('on'),
  // The AWS shape: which adapter backs each port, and where the AWS services are.
  TWEETER_STORE: z.enum(['sqlite', 'dynamodb']).default('sqlite'),
  /** Defaults to the store's partner: sqlite with sqlite, sqs with dynamodb. */
  TWEETER_QUEUE: z.enum(['sqlite', 'sqs']).optional(),
  TWEETER_BLOBS: z.enum(['fs', 's3']).default('fs'),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1')
    .optional(),
  DYNAMODB_ENDPOINT: endpoint(),
  SQS_ENDPOINT: endpoint(),
  S3_ENDPOINT: endpoint(),
  DYNAMODB_TABLE_MAIN: awsName(3, 255).default('tweeter-main'),
  DYNAMODB_TABLE_FEEDS: awsName(3, 255).default('tweeter-feeds'),
  /** Feed entries per second one process may write during fan-out; unset: no pacing. */
  DYNAMODB_WRITE_BUDGET: int(1, 1_000_000).optional(),
  SQS_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,60}$/, 'letters, digits, - and _ only, at most 60 characters')
    .default('tweeter-'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, . and -)')
    .optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  SCRYPT_COST: int(1024, 2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(2 ** 17),

  // Live stream on AWS (API Gateway WebSocket API) and where clients find the stream.
  TWEETER_REALTIME: z.enum(['ws', 'apigw']).default('ws'),
  WEBSOCKET_MANAGEMENT_ENDPOINT: z
    .string()
    .url('must be an absolute URL like https://abc123.execute-api.us-east-1.amazonaws.com/prod')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  STREAM_URL: z
    .string()
    .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  APIGW_POST_CONCURRENCY: int(1, 256).default(16),

  // Status search (docs/api.md, "Search").
  /** off: posts queue no index.status job (search and trends miss them); for measuring what indexing costs. */
  SEARCH_INDEX: z.enum(['on', 'off']).default('on'),
  ...SqliteEnvFields,

  // Link cards (docs/api.md, "Link cards").
  /** off: no card.fetch jobs are queued (statuses keep `card: null`). */
  LINK_CARDS: z.enum(['on', 'off']).default('on'),
  /** Tests only: lets the card fetcher reach 127.0.0.1 / ::1 on any port. Refused with NODE_ENV=production. */
  CARD_FETCH_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  CARD_FETCH_TIMEOUT_MS: int(100, 30_000).default(8_000),
  /** "production" refuses settings meant for tests only (CARD_FETCH_ALLOW_LOOPBACK). */
  NODE_ENV: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: false (the default: the client address is the TCP peer),
 * true (trust every hop: only behind a proxy that overwrites X-Forwarded-For), a hop count, or addresses and
 * CIDR ranges of trusted proxies. undefined when the value is none of these.
 */
function parseTrustProxy(value: string): boolean | number | string[] | undefined {
  const v = value.toLowerCase();
  if (v === '' || v === 'false' || v === 'off' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((a) => a.trim());
  if (list.every((a) => isIP(a.split('/')[0] ?? '') !== 0)) return list;
  return undefined;
}
