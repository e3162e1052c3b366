import { z } from 'zod';

/** `GET /api/v1/meta`: where this deployment's live stream is, and which server version answers. */
export const Meta = z
  .object({
    streamUrl: z
      .string()
      .describe("ws:// or wss:// URL of the live stream (this server's /api/v1/stream, or the WebSocket API on AWS)"),
    version: z.string().describe('server version'),
    mediaUpload: z
      .object({
        via: z
          .enum(['api', 's3-put'])
          .describe(
            'how a client uploads images: `api` is POST /api/v1/media with the bytes as the body, always; `s3-put`: ' +
              'files over `apiMaxBytes` go straight to storage (POST /api/v1/media/uploads, the signed PUT, then ' +
              'POST /api/v1/media/{id}/complete)',
          ),
        maxBytes: z.number().int().describe('largest upload accepted'),
        apiMaxBytes: z
          .number()
          .int()
          .describe('largest file to send through POST /api/v1/media (equal to maxBytes when via is `api`)'),
        types: z.array(z.string()).describe('accepted image types (checked by content, not by header)'),
        perStatus: z.number().int().describe('images one status may carry'),
        altMax: z.number().int().describe('longest alt text, in code points'),
      })
      .describe('where and how images are uploaded, with their limits'),
  })
  .meta({ id: 'Meta' });
export type Meta = z.infer<typeof Meta>;
