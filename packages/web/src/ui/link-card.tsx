import type { Card } from '@tweeter/shared';

/** The site a card came from: its siteName, else the page's host. */
function siteOf(card: Card): string {
  if (card.siteName) return card.siteName;
  try {
    return new URL(card.url).host;
  } catch {
    return '';
  }
}

/**
 * The preview of a status's first link, as the server made it: one link to the page (its name is the title), with
 * the page's image when it has one (loaded from that site, without a referrer; decorative, so no alt text).
 */
export function LinkCard({ card }: { card: Card }) {
  return (
    <a className="link-card" href={card.url} target="_blank" rel="noopener noreferrer nofollow ugc">
      {card.imageUrl && (
        <img className="link-card-image" src={card.imageUrl} alt="" loading="lazy" referrerPolicy="no-referrer" />
      )}
      <span className="link-card-text">
        <span className="link-card-site">{siteOf(card)}</span>
        <span className="link-card-title">{card.title}</span>
        {card.description && <span className="link-card-description">{card.description}</span>}
      </span>
    </a>
  );
}
