import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int('must be a whole number').min(min).max(max);

/** Every environment variable the server reads, with its default. Nothing else reads process.env. */
export const EnvSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z
    .string()
    .url('must be an absolute URL like https://tweeter.example')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  WEB_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TOKEN_TTL_DAYS: int(1, 365).default(30),
  BODY_LIMIT_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
  LOGIN_MAX_FAILURES: int(1, 10_000).default(10),
  LOGIN_WINDOW_SECONDS: int(1, 86_400).default(60),
  WORKER_CONCURRENCY: int(0, 64).default(2),
  JOB_MAX_ATTEMPTS: int(1, 100).default(5),
  JOB_BACKOFF_BASE_MS: int(1, 3_600_000).default(1000),
  JOB_BACKOFF_MAX_MS: int(1, 86_400_000).default(300_000),
  JOB_VISIBILITY_MS: int(100, 3_600_000).default(30_000),
  JOB_POLL_MS: int(10, 60_000).default(1000),
  FANOUT_PAGE_SIZE: int(1, 10_000).default(1000),
  FANOUT_BATCH_SIZE: int(1, 10_000).default(500),
  FANOUT_BATCH_PAUSE_MS: int(0, 10_000).default(0),
  BACKFILL_COUNT: int(0, 1000).default(50),
  WS_AUTH_TIMEOUT_MS: int(50, 60_000).default(5000),
  WS_HEARTBEAT_MS: int(50, 300_000).default(25_000),
  WS_MAX_SUBSCRIPTIONS: int(1, 10_000).default(100),
  WS_RATE_PER_SECOND: int(1, 10_000).default(20),
  WS_RATE_BURST: int(1, 10_000).default(40),
  WS_MAX_BUFFERED_BYTES: int(1024, 1024 * 1024 * 1024).default(1024 * 1024),
  SCRYPT_COST: int(1024, 2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(2 ** 17),
});

export type Env = z.infer<typeof EnvSchema>;
