import { LIMITS } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { uploadPath } from '../src/logic/upload-path.js';

describe('uploadPath', () => {
  const aws = { via: 's3-put' as const, apiMaxBytes: LIMITS.mediaApiMaxBytesDirect };
  const embedded = { via: 'api' as const, apiMaxBytes: LIMITS.mediaMaxBytes };

  it('sends files over the threshold straight to storage where the server offers it', () => {
    expect(uploadPath(aws, aws.apiMaxBytes + 1)).toBe('direct');
    expect(uploadPath(aws, LIMITS.mediaMaxBytes)).toBe('direct');
  });

  it('keeps files at or under the threshold on the API', () => {
    expect(uploadPath(aws, aws.apiMaxBytes)).toBe('api');
    expect(uploadPath(aws, 1)).toBe('api');
  });

  it('uses the API for every size on the embedded server, or when /meta is unknown', () => {
    expect(uploadPath(embedded, LIMITS.mediaMaxBytes)).toBe('api');
    expect(uploadPath(null, LIMITS.mediaMaxBytes)).toBe('api');
  });
});
