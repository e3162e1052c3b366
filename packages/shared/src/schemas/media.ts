import { z } from 'zod';
import { IMAGE_TYPES, LIMITS } from '../limits.js';
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
    state: z
      .enum(['processing', 'ready'])
      .optional()
      .describe(
        'absent or `ready`: the fields above are final. `processing`: a direct upload being decoded; url, previewUrl ' +
          "and blurhash are '' and width/height 0 until GET /api/v1/media/{id} answers it ready",
      ),
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

/** `POST /api/v1/media/uploads`: announce a direct upload of `size` bytes of `type`. */
export const CreateMediaUploadRequest = requestBody({
  size: z.number().int().min(1).max(LIMITS.mediaMaxBytes).describe('the exact byte length of the file'),
  type: z.enum(IMAGE_TYPES).describe('the content type the PUT will send (the bytes are checked later)'),
});
export type CreateMediaUploadRequest = z.infer<typeof CreateMediaUploadRequest>;

/** The signed request to send the bytes with, straight to storage. */
export const MediaUploadTicket = z
  .object({
    id: z.string().describe('the media id: POST /api/v1/media/{id}/complete once the PUT succeeded'),
    method: z.enum(['PUT']),
    url: z.string().describe('the presigned URL'),
    headers: z
      .record(z.string(), z.string())
      .describe(
        'headers to send exactly (Content-Type and Content-Length are signed: another size or type is refused)',
      ),
    expiresAt: z.string().describe('ISO 8601; the URL is refused after it'),
  })
  .meta({ id: 'MediaUploadTicket' });
export type MediaUploadTicket = z.infer<typeof MediaUploadTicket>;

export const CompleteMediaUploadRequest = requestBody({ alt: AltText.optional() });
export type CompleteMediaUploadRequest = z.infer<typeof CompleteMediaUploadRequest>;
