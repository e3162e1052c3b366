import { z } from 'zod';
import { EXAMPLES } from './examples.js';

/** Bounds the server keeps a card's text within (longer meta values are cut, never refused: the page is not ours). */
export const CARD_LIMITS = { titleMax: 300, descriptionMax: 1000, siteNameMax: 100, urlMax: 2048 } as const;

/**
 * A preview of the first URL of a status, made by the server from the page's OpenGraph / Twitter meta tags (or its
 * `<title>` and meta description). `imageUrl` is the page's own image URL: clients load it from that site.
 */
export const Card = z
  .object({
    url: z.string().describe('the page the card describes (after redirects)'),
    title: z.string(),
    description: z.string().describe('may be empty'),
    imageUrl: z.string().nullable().describe("the page's og:image / twitter:image, http(s) only; loaded by clients"),
    siteName: z.string().nullable(),
  })
  .meta({ id: 'Card', examples: [EXAMPLES.card] });
export type Card = z.infer<typeof Card>;
