import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { isTag } from '../search-terms.js';
import { codePointLength } from '../segments.js';
import { PageQuery } from './common.js';

/** `?q=` of a status search: 1 to 200 characters after trimming; never read as query syntax. */
export const SearchStatusesQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .refine((s) => {
      const n = codePointLength(s);
      return n >= 1 && n <= LIMITS.searchQueryMax;
    }, `must be 1 to ${LIMITS.searchQueryMax} characters`)
    .meta({
      minLength: 1,
      maxLength: LIMITS.searchQueryMax,
      description: `1 to ${LIMITS.searchQueryMax} characters. Statuses containing every word (case and accents ignored); #tag and @alias words match hashtags and mentions. Quotes, *, NEAR, AND, OR are plain text, never syntax`,
      examples: ['#rust tips', 'zoe @ada'],
    }),
});
export type SearchStatusesQuery = z.infer<typeof SearchStatusesQuery>;

/** `{tag}` in a path: a hashtag without its #, as statuses write it (letters, digits, _; at least one letter). */
export const TagParams = z.object({
  tag: z
    .string()
    .refine(isTag, `must be a hashtag without # (letters, digits and _, with a letter; at most ${LIMITS.tagMax})`)
    .meta({ maxLength: LIMITS.tagMax, examples: ['rust'] }),
});

export const TagTrend = z
  .object({
    tag: z.string().describe('lower-case, accents folded, without #'),
    statuses: z.number().int().describe('statuses posted with it in the last 24 hours'),
    accounts: z.number().int().describe('distinct accounts that posted it in the last 24 hours'),
  })
  .meta({ id: 'TagTrend', examples: [{ tag: 'rust', statuses: 42, accounts: 17 }] });
export type TagTrend = z.infer<typeof TagTrend>;

export const TagTrends = z
  .object({ items: z.array(TagTrend).describe(`at most ${LIMITS.trendsMax}, most accounts first`) })
  .meta({ id: 'TagTrends' });
export type TagTrends = z.infer<typeof TagTrends>;
