import { CARD_LIMITS, type Card } from '@tweeter/shared';
import { Parser } from 'htmlparser2';

/**
 * Reads a page's <head> as it streams in (htmlparser2: a maintained, forgiving tokenizer that decodes entities) and
 * collects what a card needs. `done` turns true at </head> or <body>, so the caller stops reading there.
 */
export class HeadMeta {
  done = false;
  private readonly meta = new Map<string, string>();
  private title = '';
  private inTitle = false;
  private readonly parser: Parser;

  constructor() {
    this.parser = new Parser(
      {
        onopentag: (name, attribs) => {
          if (this.done) return;
          if (name === 'body') this.done = true;
          else if (name === 'title') this.inTitle = true;
          else if (name === 'meta') {
            // OpenGraph uses property=, Twitter and plain meta use name=; the first value of a key wins.
            const key = (attribs.property ?? attribs.name ?? '').trim().toLowerCase();
            const content = attribs.content;
            if (key && content !== undefined && !this.meta.has(key)) this.meta.set(key, content);
          }
        },
        ontext: (text) => {
          if (this.inTitle && !this.done && this.title.length < CARD_LIMITS.titleMax * 4) this.title += text;
        },
        onclosetag: (name) => {
          if (name === 'title') this.inTitle = false;
          if (name === 'head') this.done = true;
        },
      },
      { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
    );
  }

  write(text: string): void {
    if (!this.done) this.parser.write(text);
  }

  /**
   * The card for the page at `pageUrl` (after redirects), or null when it names no title at all. The image is kept
   * only as an absolute http(s) URL.
   */
  card(pageUrl: string): Card | null {
    this.parser.end();
    const pick = (...keys: string[]) => {
      for (const k of keys) {
        const v = clean(this.meta.get(k) ?? '');
        if (v) return v;
      }
      return '';
    };
    const title = pick('og:title', 'twitter:title') || clean(this.title);
    if (!title) return null;
    const image = pick('og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src');
    const siteName = pick('og:site_name', 'application-name');
    return {
      url: pageUrl,
      title: cut(title, CARD_LIMITS.titleMax),
      description: cut(pick('og:description', 'twitter:description', 'description'), CARD_LIMITS.descriptionMax),
      imageUrl: image ? absoluteHttpUrl(image, pageUrl) : null,
      siteName: siteName ? cut(siteName, CARD_LIMITS.siteNameMax) : null,
    };
  }
}

function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// Cuts at a code point boundary, with an ellipsis.
function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

function absoluteHttpUrl(raw: string, base: string): string | null {
  try {
    const u = new URL(raw, base);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.href.length > CARD_LIMITS.urlMax) return null;
    return u.href;
  } catch {
    return null;
  }
}
