import { describe, expect, it } from 'vitest';
import { acceptFiles, altReminder } from '../src/logic/attachments.js';

const jpeg = { type: 'image/jpeg', size: 1000 };

describe('picking images for a status', () => {
  it('takes PNG, JPEG and WebP up to four in all, saying why it left the others', () => {
    expect(acceptFiles(0, [jpeg, { type: 'image/gif', size: 10 }, { type: 'image/webp', size: 10 }])).toEqual({
      take: [0, 2],
      problems: ['Only PNG, JPEG or WebP images'],
    });
    expect(acceptFiles(3, [jpeg, jpeg, jpeg])).toEqual({ take: [0], problems: ['At most 4 images'] });
    expect(acceptFiles(0, [{ type: 'image/png', size: 8 * 1024 * 1024 + 1 }])).toEqual({
      take: [],
      problems: ['An image can be at most 8 MB'],
    });
  });

  it('reminds about images without alt text, and stops once each has one', () => {
    expect(altReminder([{ alt: 'a heron' }, { alt: '  ' }])).toMatch(/^1 image has no alt text/);
    expect(altReminder([{ alt: '' }, { alt: '' }])).toMatch(/^2 images have no alt text/);
    expect(altReminder([{ alt: 'a heron' }])).toBeNull();
    expect(altReminder([])).toBeNull();
  });
});
