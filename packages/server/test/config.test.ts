import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: '',
      tokenTtlMs: 30 * 86_400_000,
      bodyLimitBytes: 65_536,
      login: { maxFailures: 10, windowMs: 60_000 },
      jobs: { maxAttempts: 5, concurrency: 2 },
      fanout: { backfillCount: 50, feedMaxEntries: 1000 },
    });
    expect(c.databaseFile).toMatch(/data[/\\]tweeter\.db$/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', SCRYPT_COST: '1000', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'SCRYPT_COST', 'PUBLIC_URL', 'LOG_LEVEL']) expect(problems).toContain(name);
    }
  });

  it('bounds FEED_MAX_ENTRIES to 10..100,000', () => {
    expect(loadConfig({ FEED_MAX_ENTRIES: '800' }).fanout.feedMaxEntries).toBe(800);
    expect(() => loadConfig({ FEED_MAX_ENTRIES: '9' })).toThrow(
      'FEED_MAX_ENTRIES="9": must be a whole number from 10 to 100000',
    );
    expect(() => loadConfig({ FEED_MAX_ENTRIES: 'lots' })).toThrow(/FEED_MAX_ENTRIES/);
  });

  it('refuses impossible combinations', () => {
    expect(() => loadConfig({ JOB_BACKOFF_BASE_MS: '5000', JOB_BACKOFF_MAX_MS: '100' })).toThrow(/JOB_BACKOFF_MAX_MS/);
    expect(() => loadConfig({ FANOUT_PAGE_SIZE: '100', FANOUT_BATCH_SIZE: '500' })).toThrow(/FANOUT_BATCH_SIZE/);
    // The job thread owns the SQLite file's one writer: a second one would only contend for the lock.
    expect(() => loadConfig({ JOB_THREADS: '2' })).toThrow(/JOB_THREADS=2: must be 0 or 1/);
    expect(loadConfig({ JOB_THREADS: '1' }).jobs.threads).toBe(1);
  });

  it('takes image URLs from MEDIA_URL (a CDN), else PUBLIC_URL, and refuses one that is not a URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://t.example' }).mediaUrl).toBe('https://t.example');
    const both = loadConfig({ PUBLIC_URL: 'https://t.example', MEDIA_URL: 'https://d1.cloudfront.net/' });
    expect([both.publicUrl, both.mediaUrl]).toEqual(['https://t.example', 'https://d1.cloudfront.net']);
    expect(() => loadConfig({ MEDIA_URL: 'cdn' })).toThrow(/MEDIA_URL/);
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://t.example/' }).publicUrl).toBe('https://t.example');
  });

  it('defaults to the embedded shape and needs no AWS settings for it', () => {
    const c = loadConfig({});
    expect(c.shape).toEqual({ store: 'sqlite', queue: 'sqlite', blobs: 'fs' });
    expect(c.aws).toBeNull();
  });

  it('reads the AWS shape; the queue follows the store unless set', () => {
    const c = loadConfig({
      TWEETER_STORE: 'dynamodb',
      TWEETER_BLOBS: 's3',
      AWS_REGION: 'eu-west-1',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567/',
      S3_BUCKET: 'my-pictures',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(c.shape).toEqual({ store: 'dynamodb', queue: 'sqs', blobs: 's3' });
    expect(c.aws).toEqual({
      region: 'eu-west-1',
      endpoints: { dynamodb: 'http://127.0.0.1:4567' },
      tables: { main: 'tweeter-main', feeds: 'tweeter-feeds' },
      writeBudget: null,
      queuePrefix: 'tweeter-',
      bucket: 'my-pictures',
      s3ForcePathStyle: true,
    });
  });

  it('refuses shapes that cannot work, one message each', () => {
    try {
      loadConfig({
        TWEETER_QUEUE: 'sqs',
        TWEETER_BLOBS: 's3',
        DYNAMODB_TABLE_MAIN: 'same',
        DYNAMODB_TABLE_FEEDS: 'same',
        SQS_ENDPOINT: 'nope',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toEqual([expect.stringMatching(/^SQS_ENDPOINT="nope": must be a URL/)]);
    }
    try {
      loadConfig({
        TWEETER_QUEUE: 'sqs',
        TWEETER_BLOBS: 's3',
        DYNAMODB_TABLE_MAIN: 'same',
        DYNAMODB_TABLE_FEEDS: 'same',
      });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems[0]).toMatch(/^TWEETER_QUEUE: sqs needs TWEETER_STORE=dynamodb: the SQLite store writes its jobs/);
      expect(problems[1]).toMatch(/^AWS_REGION: required/);
      expect(problems[2]).toMatch(/^S3_BUCKET: required with TWEETER_BLOBS=s3/);
      expect(problems[3]).toMatch(/^DYNAMODB_TABLE_FEEDS: must differ/);
    }
    expect(() => loadConfig({ TWEETER_STORE: 'dynamodb', TWEETER_QUEUE: 'sqlite', AWS_REGION: 'us-east-1' })).toThrow(
      /TWEETER_QUEUE: sqlite needs TWEETER_STORE=sqlite/,
    );
    expect(() => loadConfig({ TWEETER_STORE: 'dynamodb', AWS_REGION: 'Mars' })).toThrow(
      /AWS_REGION="Mars": must be an AWS region/,
    );
  });

  it('selects the API Gateway live stream only with its endpoint and stream URL', () => {
    expect(loadConfig({}).realtime).toEqual({ kind: 'ws' });
    expect(() => loadConfig({ TWEETER_REALTIME: 'apigw' })).toThrow(/WEBSOCKET_MANAGEMENT_ENDPOINT[\s\S]*STREAM_URL/);
    expect(() => loadConfig({ STREAM_URL: 'https://not-a-socket.example' })).toThrow(/STREAM_URL/);
    const c = loadConfig({
      TWEETER_REALTIME: 'apigw',
      WEBSOCKET_MANAGEMENT_ENDPOINT: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/',
      STREAM_URL: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
      AWS_REGION: 'us-east-1',
      DYNAMODB_TABLE_MAIN: 'tweeter-prod-main',
    });
    expect(c.realtime).toEqual({
      kind: 'apigw',
      managementEndpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
      connectionsTable: 'tweeter-prod-main',
      region: 'us-east-1',
      dynamodbEndpoint: undefined,
      postConcurrency: 16,
    });
    expect(c.streamUrl).toBe('wss://abc.execute-api.us-east-1.amazonaws.com/prod');
  });
});

describe('configuration problems', () => {
  it('name the variable, echo the value given and say what is allowed, one line per variable', () => {
    try {
      loadConfig({ PORT: 'eighty', SCRYPT_COST: '1000', LOG_LEVEL: 'loud', HOST: '', WORKER_CONCURRENCY: '2.5' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'PORT="eighty": must be a whole number from 0 to 65535',
        'HOST="": must not be empty',
        'LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent',
        'WORKER_CONCURRENCY="2.5": must be a whole number from 0 to 64',
        'SCRYPT_COST="1000": must be a whole number from 1024 to 1048576; must be a power of two',
      ]);
      expect((err as ConfigError).message).not.toMatch(/Invalid input|expected number|received NaN/);
    }
    expect(() => loadConfig({ JOB_BACKOFF_BASE_MS: '5000', JOB_BACKOFF_MAX_MS: '100' })).toThrow(
      'JOB_BACKOFF_MAX_MS=100: must be at least JOB_BACKOFF_BASE_MS (5000)',
    );
  });
});
