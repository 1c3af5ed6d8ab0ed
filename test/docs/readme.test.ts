/**
 * The README stays a newcomer's page: at most 300 lines, every `npm run X` it mentions exists, every
 * npm script is in its command table, and no page points outside the repository. docs/guardrails.md
 * lists every rule of the pack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../modules/guardrails';

const ROOT = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

test('README.md is at most 300 lines', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(300);
});

test('every `npm run X` the README mentions is a script of package.json', () => {
  const mentioned = [...readme.matchAll(/npm run (?:--?[a-z-]+ )*([A-Za-z0-9:_-]+)/g)].map((m) => m[1]);
  expect(mentioned.length).toBeGreaterThan(5);
  expect([...new Set(mentioned)].filter((name) => !scripts.includes(name))).toEqual([]);
});

test("every npm script is in the README's command table", () => {
  const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('\n## ', readme.indexOf('## Commands') + 1));
  const missing = scripts.filter((name) => !(name === 'test' ? /\| `npm test/.test(table) : table.includes(`\`npm run ${name}`)));
  expect(missing).toEqual([]);
});

test('the README and docs/ point to nothing outside the repository', () => {
  const pages = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const outside: string[] = [];
  for (const page of pages) {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    if (/shared\/seeds/.test(text)) outside.push(`${page}: shared/seeds`);
    for (const m of text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const resolved = path.resolve(ROOT, path.dirname(page), target);
      if (path.relative(ROOT, resolved).startsWith('..')) outside.push(`${page}: ${target}`);
    }
  }
  expect(outside).toEqual([]);
});

test('docs/guardrails.md lists every rule with its severity', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'guardrails.md'), 'utf8');
  expect(RULES.filter((r) => !page.includes(`| ${r.id} | ${r.severity}`)).map((r) => r.id)).toEqual([]);
});
