// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PendingPosts } from '../src/logic/live-feed.js';
import { LinkCard } from '../src/ui/link-card.js';
import { status } from './support.js';

const CARD = {
  url: 'https://example.com/notes',
  title: 'Notes on the engine',
  description: 'With the translator’s notes',
  imageUrl: 'https://example.com/engine.png',
  siteName: null,
};

afterEach(cleanup);

describe('LinkCard', () => {
  it('is one link to the page, named by its title, opening elsewhere without a referrer', () => {
    render(<LinkCard card={CARD} />);
    const link = screen.getByRole('link', { name: /Notes on the engine/ });
    expect(link).toHaveAttribute('href', 'https://example.com/notes');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')).toContain('noreferrer');
    expect(link).toHaveTextContent('example.com'); // no siteName: the host
    expect(link).toHaveTextContent('With the translator’s notes');
    const img = link.querySelector('img');
    expect(img).toHaveAttribute('src', 'https://example.com/engine.png');
    expect(img).toHaveAttribute('alt', ''); // decorative: the title names the link
  });

  it('shows the site name when there is one, and no image or description when the page gave none', () => {
    render(<LinkCard card={{ ...CARD, imageUrl: null, description: '', siteName: 'Engine Notes' }} />);
    const link = screen.getByRole('link', { name: /Notes on the engine/ });
    expect(link).toHaveTextContent('Engine Notes');
    expect(link.querySelector('img')).toBeNull();
    expect(link.querySelector('.link-card-description')).toBeNull();
  });
});

describe('PendingPosts.update', () => {
  it('changes a waiting status (its card arrived) and leaves the others and unknown ids alone', () => {
    const pending = new PendingPosts();
    pending.offer([status('01B'), status('01C')], undefined);
    pending.update('01B', (s) => ({ ...s, card: CARD }));
    pending.update('01Z', (s) => ({ ...s, card: CARD }));
    expect(pending.get().map((s) => [s.id, s.card?.title ?? null])).toEqual([
      ['01B', 'Notes on the engine'],
      ['01C', null],
    ]);
  });
});
