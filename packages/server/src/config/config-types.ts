import type { SqliteSettings } from './sqlite-settings.js';

// The configuration's shape; config.ts builds and checks it from the environment.

/** The server's typed, validated configuration; built once at start by loadConfig. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file holding the store and the job queue. */
  databaseFile: string;
  /** Prefix of absolute URLs the server hands out (image URLs); '' gives root-relative URLs. */
  publicUrl: string;
  /** Prefix of image URLs (`/media/<key>`): MEDIA_URL, a CDN in front of the same route, else publicUrl. */
  mediaUrl: string;
  /** The built web app served at `/` (index.html and hashed assets); it may not exist yet. */
  webDir: string;
  logLevel: string;
  tokenTtlMs: number;
  bodyLimitBytes: number;
  /** Limits against guessing, sign-up floods and write floods (docs/api.md, "Limits"). */
  login: { maxFailures: number; maxFailuresPerAddress: number; windowMs: number; aliasDelayMaxMs: number };
  registration: { maxPerAddress: number; windowMs: number };
  passwordHashing: { concurrency: number; queue: number };
  /** Nice value (0-19) of the server's image child process (all its threads), below the readers' priority. */
  imageNice: number;
  /** Nice value (0-19) of the job thread and the checkpoint thread (Linux, per thread); 0 leaves them as they are. */
  backgroundNice: number;
  /**
   * Nice value (0-19) of V8's helper threads, where the optimizing compiles and the collections' helper work run (Linux,
   * per thread; `tweeter serve`); 0 leaves them at the server's.
   */
  v8HelpersNice: number;
  /** Multiplier of the per-user write budgets (posts, follows, reactions, comments, messages); 0 is off. */
  writeRateLimits: number;
  /** Accounts one account may block, and (separately) mute (RELATIONS_MAX, default LIMITS.relationsMax). */
  relationsMax: number;
  /** Which proxies' X-Forwarded-For to believe for the client address (Fastify's trustProxy). */
  trustProxy: boolean | number | string[];
  /** How long a status stays cached after it was read (a deletion in another process is seen after this). */
  statusCacheTtlMs: number;
  /** Notification groups older than this are removed by notifications.retention (DynamoDB: TTL) and never shown. */
  notificationRetentionMs: number;
  jobs: {
    concurrency: number;
    /**
     * 1: the job workers (`concurrency` loops) run in a worker thread that owns the SQLite file's one writer;
     * 0 runs them, and the writer, on the thread that answers HTTP. Never more than 1.
     */
    threads: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    visibilityMs: number;
    pollMs: number;
  };
  fanout: {
    pageSize: number;
    batchSize: number;
    batchPauseMs: number;
    backfillCount: number;
    /** Accounts with more followers than this are merged into feeds at read time (0: never). */
    pullThreshold: number;
    /** At most this many pulled accounts are merged into one viewer's feed. */
    pullMax: number;
    /** A home feed keeps its newest this many entries; reads end there and the feed.trim job deletes the rest. */
    feedMaxEntries: number;
  };
  scryptCost: number;
  /** Which adapter backs the store, the job queue and the pictures. */
  shape: { store: 'sqlite' | 'dynamodb'; queue: 'sqlite' | 'sqs'; blobs: 'fs' | 's3' };
  /** Where the AWS services are; null when no port uses AWS. */
  aws: AwsConfig | null;
  /** Live stream (WebSocket) limits, per connection. */
  stream: {
    authTimeoutMs: number;
    heartbeatMs: number;
    maxSubscriptions: number;
    ratePerSecond: number;
    rateBurst: number;
    maxBufferedBytes: number;
    /** How often open connections have their session checked again (expiry, sign-out elsewhere). */
    sessionCheckMs: number;
    /** WS_WRITE_THREAD: a helper thread shares each broadcast's socket writes. */
    writeThread: boolean;
  };
  /** The Realtime transport: this process's `ws` server, or API Gateway's WebSocket API (records in DynamoDB). */
  realtime: RealtimeConfig;
  /** The live stream's URL as clients see it (GET /api/v1/meta); unset: derived from PUBLIC_URL or the request. */
  streamUrl: string | undefined;
  /** Link cards: whether posts queue a card.fetch, and the fetcher's test-only loopback switch and time limit. */
  cards: { enabled: boolean; allowLoopback: boolean; totalTimeoutMs: number };
  /** Whether posts queue their index.status job (SEARCH_INDEX). */
  searchIndex: boolean;
  /** The SQLite read connections' settings (SQLITE_MMAP_MB). */
  sqlite: SqliteSettings;
}

/**
 * Fixed AWS credentials for the SDK clients: set only by the dev tooling, for the local emulators (which accept any).
 * Never read from the environment: without them the clients use the SDK's own chain (environment, profile, role).
 */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AwsConfig {
  region: string;
  /** Absent from loadConfig: the SDK's default credential chain. */
  credentials?: StaticCredentials;
  /** Endpoint overrides (emulators, VPC endpoints); the SDK's own when absent. */
  endpoints: { dynamodb?: string; sqs?: string; s3?: string };
  tables: { main: string; feeds: string };
  /** Feed entries per second one process may write (fan-out pacing within provisioned capacity); null: unpaced. */
  writeBudget: number | null;
  queuePrefix: string;
  bucket: string | null;
  /** Path-style S3 URLs (http://host/bucket/key), as emulators need. */
  s3ForcePathStyle: boolean;
}
export type RealtimeConfig =
  | { kind: 'ws' }
  | {
      kind: 'apigw';
      /** The WebSocket API stage's management endpoint (POST /@connections/{id}). */
      managementEndpoint: string;
      /** DynamoDB table (the main table) holding connections and their subscriptions. */
      connectionsTable: string;
      region: string;
      /** Absent from loadConfig: the SDK's default credential chain. */
      credentials?: StaticCredentials;
      /** Set only for a local emulator (dynalite); AWS uses the region's endpoint. */
      dynamodbEndpoint: string | undefined;
      /** PostToConnection calls in flight at once per broadcast. */
      postConcurrency: number;
    };
