import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Images on statuses in a real browser against the real server: attach with alt text, the grid, the viewer.
/** A landscape picture with a gradient and a few shapes (so the blurhash and the preview show something). */
function picture(hue: number, width = 1600, height = 1000): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${hue + 60},70%,30%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width * 0.3}" cy="${height * 0.45}" r="${height * 0.22}" fill="hsl(${hue + 180},80%,70%)"/>
    <rect x="${width * 0.55}" y="${height * 0.5}" width="${width * 0.3}" height="${height * 0.3}" fill="white" opacity="0.6"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

describe('images on statuses in Chromium', { timeout: 90_000 }, () => {
  let tmp = '';
  const files: string[] = [];
  const suite = useBrowserSuite('e2e-media', {
    setUp: async (server) => {
      tmp = mkdtempSync(join(tmpdir(), 'tweeter-e2e-media-files-'));
      for (const [i, hue] of [200, 20, 120].entries()) {
        const file = join(tmp, `photo-${i + 1}.jpg`);
        writeFileSync(file, await picture(hue));
        files.push(file);
      }
      await server.register('ada', { password: PASSWORD });
      const bob = await server.register('bob', { password: PASSWORD });
      await server.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ada' });
    },
    tearDown: () => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  });
  const signedIn = (alias: string, viewport?: { width: number; height: number }) => suite.signedIn(alias, viewport);

  it('attaches three images with previews and alt text, reminding about the one without, and posts them', async () => {
    const ada = await signedIn('ada');
    await ada.getByLabel('Add images').setInputFiles(files);
    const list = ada.getByRole('list', { name: 'Images to post' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    await ada.getByLabel('Alt text for image 1').fill('A blue evening sky over a pale square');
    await ada.getByLabel('Alt text for image 2').fill('An orange sunrise with a teal circle');
    const reminder = ada.getByRole('note');
    await expect
      .poll(() => reminder.textContent())
      .toBe('1 image has no alt text: describe it for people who cannot see it.');
    await suite.accessible(ada, 'post box with images');
    await ada.getByLabel("What's on your mind?").fill('Three pictures from the walk');
    await suite.shot(ada, 'media-post-box-desktop');
    await ada.getByLabel('Alt text for image 3').fill('A green meadow with a pink circle');
    await expect.poll(() => reminder.count()).toBe(0);
    await ada.getByRole('button', { name: 'Post Status' }).click();
    await ada.getByText('Status posted!').waitFor();
    await expect.poll(() => list.count()).toBe(0);
  });

  it('shows the grid in a follower’s feed with alt text, and opens an accessible viewer', async () => {
    await suite.server.drain();
    const bob = await signedIn('bob');
    const status = bob.getByRole('article', { name: 'Status by First Last' }).first();
    await status.getByText('Three pictures from the walk').waitFor();
    const tiles = status.getByRole('button', { name: /^View image/ });
    await expect.poll(() => tiles.count()).toBe(3);
    await status.getByAltText('An orange sunrise with a teal circle').waitFor();
    // Every preview loads (the blurhash underneath is replaced).
    await expect.poll(() => status.locator('.media-tile img.loaded').count(), { timeout: 15_000 }).toBe(3);
    await suite.accessible(bob, 'feed with images');
    await suite.shot(bob, 'media-grid-desktop');

    await tiles.nth(0).click();
    const viewer = bob.getByRole('dialog', { name: 'Image 1 of 3' });
    await viewer.waitFor();
    await viewer.getByAltText('A blue evening sky over a pale square').waitFor();
    await suite.accessible(bob, 'image viewer');
    await suite.shot(bob, 'media-viewer-desktop');
    await bob.keyboard.press('ArrowRight');
    await bob.getByRole('dialog', { name: 'Image 2 of 3' }).waitFor();
    await bob.keyboard.press('Escape');
    await expect.poll(() => bob.getByRole('dialog').count()).toBe(0);
  });

  it('fits a 360 px phone', async () => {
    const bob = await signedIn('bob', PHONE);
    const status = bob.getByRole('article').first();
    await status.getByAltText('A green meadow with a pink circle').waitFor();
    await expect.poll(() => status.locator('.media-tile img.loaded').count(), { timeout: 15_000 }).toBe(3);
    await suite.fitsPhone(bob, 'feed with images at 360 px');
    await suite.shot(bob, 'media-grid-phone');
  });
});
