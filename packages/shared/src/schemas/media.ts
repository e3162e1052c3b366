import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { codePointLength } from '../segments.js';
import { requestBody } from './request-body.js';

/** An uploaded image: re-encoded by the server (metadata removed, orientation applied), with a preview. */
export const Media = z
  .object({
    id: z.string(),
    type: z.enum(['image']),
    url: z.string().describe(`the stored image, at most ${LIMITS.mediaLongSide} px on its long side`),
    previewUrl: z.string().describe(`a preview, at most ${LIMITS.mediaPreviewLongSide} px on its long side`),
    width: z.number().int().describe('of the stored image, in pixels'),
    height: z.number().int(),
    blurhash: z.string().describe('a placeholder to paint while the image loads (blurha.sh)'),
    alt: z.string().describe(`alt text, 0 to ${LIMITS.altMax} code points ('' when none)`),
  })
  .meta({
    id: 'Media',
    examples: [
      {
        id: '01JF3XA7Q9W2M8K5T1R7N4X0AC',
        type: 'image',
        url: 'https://tweeter.example/media/media/01jf3xa7q9w2m8k5t1r7n4x0ac.webp',
        previewUrl: 'https://tweeter.example/media/media/01jf3xa7q9w2m8k5t1r7n4x0ac-preview.webp',
        width: 2048,
        height: 1536,
        blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
        alt: 'A heron on one leg in shallow water',
      },
    ],
  });
export type Media = z.infer<typeof Media>;

export const AltText = z
  .string()
  .refine((s) => codePointLength(s) <= LIMITS.altMax, `must be at most ${LIMITS.altMax} characters`)
  .meta({ maxLength: LIMITS.altMax, description: `0 to ${LIMITS.altMax} code points` });

export const UploadMediaQuery = z.object({ alt: AltText.optional() });

export const PatchMediaRequest = requestBody({ alt: AltText });
export type PatchMediaRequest = z.infer<typeof PatchMediaRequest>;

export const MediaIdParams = z.object({ id: z.string().min(1).max(40) });
