import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('link card settings', () => {
  it('are on, with loopback refused, by default', () => {
    expect(loadConfig({}).cards).toEqual({ enabled: true, allowLoopback: false, totalTimeoutMs: 8_000 });
  });

  it('allow loopback only outside production', () => {
    expect(loadConfig({ CARD_FETCH_ALLOW_LOOPBACK: 'true' }).cards.allowLoopback).toBe(true);
    expect(() => loadConfig({ CARD_FETCH_ALLOW_LOOPBACK: 'true', NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ CARD_FETCH_ALLOW_LOOPBACK: 'true', NODE_ENV: 'production' })).toThrow(
      /CARD_FETCH_ALLOW_LOOPBACK=true: refused with NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production' }).cards.allowLoopback).toBe(false);
  });

  it('refuses values that are not on/off or true/false', () => {
    expect(() => loadConfig({ LINK_CARDS: 'maybe' })).toThrow(/LINK_CARDS/);
    expect(() => loadConfig({ CARD_FETCH_ALLOW_LOOPBACK: 'yes' })).toThrow(/CARD_FETCH_ALLOW_LOOPBACK/);
  });
});
