import { z } from 'zod';

/** `GET /api/v1/meta`: where this deployment's live stream is, and which server version answers. */
export const Meta = z
  .object({
    streamUrl: z
      .string()
      .describe("ws:// or wss:// URL of the live stream (this server's /api/v1/stream, or the WebSocket API on AWS)"),
    version: z.string().describe('server version'),
  })
  .meta({ id: 'Meta' });
export type Meta = z.infer<typeof Meta>;
