import { z } from 'zod';

/** What a client needs to know about the server before signing in: `GET /api/v1/meta`. */
export const Meta = z
  .object({
    streamUrl: z.string().describe('the WebSocket URL of the live stream (ws: or wss:)'),
    version: z.string().describe('the server version'),
  })
  .meta({ id: 'Meta' });
export type Meta = z.infer<typeof Meta>;
