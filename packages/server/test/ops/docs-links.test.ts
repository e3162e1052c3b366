import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The project's documents stand alone: every relative link resolves to a file in the repository, every
// in-page anchor to a heading, and nothing sends the reader to files outside the repository.

const ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f));
  const packages = readdirSync(join(ROOT, 'packages'))
    .map((p) => join(ROOT, 'packages', p, 'README.md'))
    .filter((f) => existsSync(f));
  return [join(ROOT, 'README.md'), ...docs, ...packages];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] ?? '')));
}

/** Markdown links `[text](target)` outside code blocks, without external URLs. */
function localLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('the project documents', () => {
  const files = documents();

  it('finds the README and the docs', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/architecture.md']));
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_, file) => {
    const broken: string[] = [];
    for (const link of localLinks(file)) {
      const [path = '', hash] = link.split('#');
      const target = path === '' ? file : resolve(dirname(file), decodeURI(path));
      if (!target.startsWith(ROOT + '/') || !existsSync(target)) {
        broken.push(`${link} (no such file in the repository)`);
        continue;
      }
      if (hash && target.endsWith('.md') && !anchorsOf(target).has(hash)) broken.push(`${link} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: points at nothing outside the repository', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/\.\.\/shared\//);
    expect(text).not.toMatch(/\b(ARCHITECTURE|STYLE|API)\.md\b/);
  });
});
