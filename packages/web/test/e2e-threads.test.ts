import { parseSegments } from '@tweeter/shared';
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
  let longId = '';
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
      // A thread past one context part (200): 204 replies, the 200th with 2 of its own. Written as the reply path
      // writes them (a status, then its place in the thread): 206 posts through the API would pass the post budget.
      longId = await post(ada, { post: 'Name every part of the mill.' });
      const { statuses, comments } = server.ctx.store;
      const part = (n: number) => `01KS${String(n).padStart(22, '0')}`;
      const replies = [
        ...Array.from({ length: 204 }, (_, i) => ({
          id: part(i),
          parent: longId,
          parentAuthor: 'ada',
          text: `Part ${i + 1} of the mill.`,
        })),
        ...[1, 2].map((n) => ({
          id: part(1000 + n),
          parent: part(199),
          parentAuthor: 'bob',
          text: `Detail ${n} of part 200.`,
        })),
      ];
      const at = Date.now();
      for (const [i, r] of replies.entries()) {
        const base = { id: r.id, author: 'bob', createdAt: at + i };
        await statuses.create(
          {
            ...base,
            post: r.text,
            segments: parseSegments(r.text),
            inReplyToId: r.parent,
            inReplyToAuthor: r.parentAuthor,
          },
          { audience: 0 },
        );
        await comments.create({ ...base, statusId: r.parent, text: r.text, deleted: false });
      }
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

  it('"Show more replies" loads the next part of the tree past 200, in place and in order', async () => {
    const page = await suite.newPage(DESKTOP);
    await suite.signIn(page, 'cat');
    await page.goto(`/statuses/${longId}`);
    const tree = page.getByRole('list', { name: 'Replies' });
    await tree.getByText('Part 200 of the mill.').waitFor();
    expect(await tree.locator('li').count()).toBe(200);
    await expect(tree.getByText('Detail 1 of part 200.').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Show more replies' }).click();
    await tree.getByText('Part 204 of the mill.').waitFor();
    const texts = (await tree.locator('li').allTextContents()).slice(198);
    const order = texts.map((t) => /(Part \d+|Detail \d)/.exec(t)?.[1]);
    expect(order).toEqual([
      'Part 199',
      'Part 200',
      'Detail 1',
      'Detail 2',
      'Part 201',
      'Part 202',
      'Part 203',
      'Part 204',
    ]);
    // The details sit one level in, under part 200.
    const indents = await tree
      .locator('li')
      .evaluateAll((lis) => lis.slice(199, 202).map((li) => (li as HTMLElement).style.marginLeft));
    expect(indents).toEqual(['0rem', '1.25rem', '1.25rem']);
    await expect(page.getByRole('button', { name: 'Show more replies' }).count()).resolves.toBe(0);
    await suite.accessible(page, 'a thread past 200 replies, all shown');
    await tree.getByText('Part 199 of the mill.').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await suite.shot(page, 'thread-show-more-desktop');
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
