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
      fanout: { backfillCount: 50 },
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

  it('refuses impossible combinations', () => {
    expect(() => loadConfig({ JOB_BACKOFF_BASE_MS: '5000', JOB_BACKOFF_MAX_MS: '100' })).toThrow(/JOB_BACKOFF_MAX_MS/);
    expect(() => loadConfig({ FANOUT_PAGE_SIZE: '100', FANOUT_BATCH_SIZE: '500' })).toThrow(/FANOUT_BATCH_SIZE/);
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://t.example/' }).publicUrl).toBe('https://t.example');
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
