import { describe, expect, it } from 'vitest';
import { releaseChunk } from '../src/http/release-chunk.js';

describe('releaseChunk', () => {
  it('frees a Buffer that is the whole of its own ArrayBuffer (an HTTP body chunk): it is detached', () => {
    const chunk = Buffer.allocUnsafeSlow(64 * 1024);
    const whole = chunk.buffer;
    releaseChunk(chunk);
    expect(whole.byteLength).toBe(0);
    expect(chunk.length).toBe(0);
  });

  it('leaves alone a slice, a pooled Buffer and a small one (their memory is shared or not worth it)', () => {
    const big = Buffer.allocUnsafeSlow(128 * 1024);
    const slice = big.subarray(1024, 64 * 1024 + 1024);
    releaseChunk(slice);
    expect([big.buffer.byteLength, slice.length]).toEqual([128 * 1024, 64 * 1024]);
    const pooled = Buffer.from('a pooled buffer shares one ArrayBuffer with others');
    const before = pooled.toString();
    releaseChunk(pooled);
    expect(pooled.toString()).toBe(before);
    const small = Buffer.allocUnsafeSlow(1000);
    releaseChunk(small);
    expect(small.length).toBe(1000);
  });

  it('keeps working across turns of the event loop (the closed port is not a dead end)', async () => {
    for (let turn = 0; turn < 3; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const chunk = Buffer.allocUnsafeSlow(8192);
      releaseChunk(chunk);
      expect(chunk.buffer.byteLength).toBe(0);
    }
  });
});
