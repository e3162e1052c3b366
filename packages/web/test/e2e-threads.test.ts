import { describe, expect, it } from 'vitest';
import { PASSWORD, useBrowserSuite } from './e2e-suite.js';
import { expectNoHorizontalScroll } from './e2e-support.js';

// Replies and quotes in a real browser: a reply from the status page's reply box, the thread as a tree with the
// earlier statuses above, a quote from the quote button (the composer shows what is quoted), and the quoted status
// embedded in the new status's card; at desktop size and at 360 px.
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 800 };

describe('replies and quotes in Chromium', { timeout: 120_000 }, () => {
  let rootId = '';
  const suite = useBrowserSuite('e2e-threads', {
    setUp: async (server) => {
      const post = async (token: string, payload: Record<string, unknown>): Promise<string> => {
        const res = await server.as(token, { method: 'POST', url: '/api/v1/statuses', payload });
        expect(res.statusCode, res.body).toBe(201);
        return res.json<{ id: string }>().id;
      };
      const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
      const bob = await server.register('bob', { firstName: 'Bob', lastName: 'Builder', password: PASSWORD });
      await server.register('cat', { firstName: 'Cat', lastName: 'Herder', password: PASSWORD });
      expect((await server.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ada' })).statusCode).toBe(200);
      expect((await server.as(ada, { method: 'PUT', url: '/api/v1/me/followees/bob' })).statusCode).toBe(200);
      rootId = await post(ada, { post: 'Which engine should we build first?' });
      const difference = await post(ada, {
        post: 'The Difference Engine: it is nearly designed.',
        inReplyToId: rootId,
      });
      await post(bob, { post: 'Agreed, and it can print its own tables.', inReplyToId: difference });
      await server.drain();
    },
  });

  it('replies from the status page; the thread shows as a tree, earlier statuses above', async () => {
    const page = await suite.newPage(DESKTOP);
    await suite.signIn(page, 'bob');
    const root = page.getByRole('article', { name: 'Status by Ada Lovelace' }).filter({ hasText: 'Which engine' });
    await root.getByRole('link', { name: 'Reply to Ada Lovelace' }).click();
    await page.waitForURL(`**/statuses/${rootId}#reply`);
    const tree = page.getByRole('list', { name: 'Replies' });
    await tree.getByText('The Difference Engine: it is nearly designed.').waitFor();
    await tree.getByText('Agreed, and it can print its own tables.').waitFor();

    await page.getByLabel('Reply to @ada').fill('Or the Analytical Engine, which can do anything?');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const mine = tree.getByRole('article', { name: 'Reply by Bob Builder' }).filter({ hasText: 'Analytical Engine' });
    await mine.waitFor();
    // Depth first: the nested reply sits under its parent, indented; the new direct reply after that branch.
    const texts = await tree.locator('li').allTextContents();
    expect(
      texts.map((t) =>
        t.includes('nearly designed') ? 1 : t.includes('print its own') ? 2 : t.includes('Analytical') ? 3 : 0,
      ),
    ).toEqual([1, 2, 3]);
    const indents = await tree
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).style.marginLeft));
    expect(indents).toEqual(['0rem', '1.25rem', '0rem']);
    await page.getByRole('link', { name: '2 comments' }).waitFor(); // the count moved with the reply
    await suite.accessible(page, 'status page with its thread');
    await suite.shot(page, 'thread-desktop', true);

    // A reply's own page: the statuses above it, root first.
    await tree
      .getByRole('article', { name: 'Reply by Bob Builder' })
      .filter({ hasText: 'print its own' })
      .locator('time')
      .click();
    await page.waitForURL('**/statuses/*');
    const above = page.getByRole('region', { name: 'Earlier in the thread' });
    await above.getByText('Which engine should we build first?').waitFor();
    await above.getByText('The Difference Engine: it is nearly designed.').waitFor();
    await page.getByText('Replying to').first().waitFor();
  });

  it('quotes from the quote button: the composer shows what is quoted, the new status embeds it', async () => {
    const page = await suite.newPage(DESKTOP);
    await suite.signIn(page, 'bob');
    const root = page.getByRole('article', { name: 'Status by Ada Lovelace' }).filter({ hasText: 'Which engine' });
    await root.getByRole('button', { name: /^Quote Ada Lovelace/ }).click();
    const composer = page.getByRole('group', { name: 'Quote @ada' });
    await composer
      .getByRole('blockquote', { name: 'Quoted status by Ada Lovelace' })
      .getByText('Which engine should we build first?')
      .waitFor();
    await composer.getByLabel("Your words on @ada's status").fill('The real question of the century.');
    await suite.accessible(page, 'quote composer');
    await suite.shot(page, 'quote-composer-desktop');
    await composer.getByRole('button', { name: 'Post quote' }).click();
    await page.getByText('Quote posted.').waitFor();
    await root.getByRole('button', { name: 'Quote Ada Lovelace (1 quote)' }).waitFor();

    // Ada sees it in her feed (she follows bob), with her status embedded.
    await suite.server.drain();
    const adaPage = await suite.newPage(DESKTOP);
    await suite.signIn(adaPage, 'ada');
    const quote = adaPage
      .getByRole('article', { name: 'Status by Bob Builder' })
      .filter({ hasText: 'The real question' });
    await quote
      .getByRole('blockquote', { name: 'Quoted status by Ada Lovelace' })
      .getByText('Which engine should we build first?')
      .waitFor();
    await suite.accessible(adaPage, 'feed with a quote');
    await quote.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await suite.shot(adaPage, 'quote-desktop');
  });

  it('fits a 360 px screen: the thread and a quote', async () => {
    const page = await suite.newPage(PHONE);
    await suite.signIn(page, 'ada');
    await page.goto(`/statuses/${rootId}`);
    await page.getByRole('list', { name: 'Replies' }).getByText('print its own tables').waitFor();
    await suite.fitsPhone(page, 'thread (360 px)');
    await suite.shot(page, 'thread-phone', true);
    await page.goto('/feed');
    await page.getByRole('blockquote', { name: 'Quoted status by Ada Lovelace' }).first().waitFor();
    await expectNoHorizontalScroll(page);
  });
});
