/**
 * Each default is written three times: the prop's JSDoc `@default`, the module's defaults.ts, and
 * the props table of its README. The convention this test checks, for every module:
 *
 * 1. A props interface is tied to a defaults object where the module merges them:
 *    `withDefaults(X_DEFAULTS, props)` (or `withDefaults({ ...X_DEFAULTS, ... }, props)`) inside a
 *    function whose parameter `props` is typed `XxxProps`.
 * 2. Every prop of that interface whose key is in the defaults object, with a scalar value
 *    (number, string, boolean), has a JSDoc `@default` whose first token is that value
 *    (`@default 300`, `@default 345600 (4 days)`, `@default 'arm64'`, `@default true`).
 * 3. The module's README has a table row for that prop (first cell `` `prop` ``) whose default
 *    cell starts with the same value (backticks and underscores in numbers ignored).
 *
 * Props whose default is computed (not in defaults.ts) and non-scalar defaults are not checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const MODULES = path.resolve(__dirname, '..', '..', 'modules');

type Scalar = string | number | boolean;
interface Binding {
  readonly file: string;
  readonly iface: string;
  readonly defaultsName: string;
}

/** The value a `@default` text or README cell starts with, or undefined. */
export function leadingLiteral(text: string): Scalar | undefined {
  const t = text.replace(/`/g, '').trim();
  let m = /^(-?[\d_]+(?:\.\d+)?)(?![\w.])/.exec(t);
  if (m) return Number(m[1].replace(/_/g, ''));
  m = /^'([^']*)'|^"([^"]*)"/.exec(t);
  if (m) return m[1] ?? m[2];
  m = /^(true|false)\b/.exec(t);
  if (m) return m[1] === 'true';
  return undefined;
}

const parsed = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) parsed.set(file, (sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)));
  return sf;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

/** (interface, defaults object) pairs from the withDefaults calls of a module's files. */
function bindings(files: readonly string[]): Binding[] {
  const found: Binding[] = [];
  for (const file of files) {
    const sf = parse(file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'withDefaults' && node.arguments.length === 2) {
        const [first, second] = node.arguments;
        const names = ts.isIdentifier(first)
          ? [first.text]
          : ts.isObjectLiteralExpression(first)
            ? first.properties.filter(ts.isSpreadAssignment).map((s) => s.expression).filter(ts.isIdentifier).map((i) => i.text)
            : [];
        const param = ts.isIdentifier(second) ? second.text : undefined;
        let fn: ts.Node | undefined = node.parent;
        while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
        const p = fn && ts.isFunctionLike(fn) ? fn.parameters.find((x) => ts.isIdentifier(x.name) && x.name.text === param) : undefined;
        const type = p?.type && ts.isTypeReferenceNode(p.type) && ts.isIdentifier(p.type.typeName) ? p.type.typeName.text : undefined;
        if (type) for (const defaultsName of names) found.push({ file, iface: type, defaultsName });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** JSDoc @default text of each member of an interface (declared in any of the files), including inherited members declared there. */
function jsdocDefaults(files: readonly string[], iface: string): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  const collect = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const file of files) {
      const sf = parse(file);
      sf.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) return;
        for (const member of node.members) {
          if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
          const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
          if (tag && !out.has(member.name.text)) out.set(member.name.text, typeof tag.comment === 'string' ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? '');
        }
        for (const clause of node.heritageClauses ?? []) for (const t of clause.types) if (ts.isIdentifier(t.expression)) collect(t.expression.text);
      });
    }
  };
  collect(iface);
  return out;
}

/**
 * Whether a `@default` text or README cell states `value`: its leading literal, or for strings the
 * text itself starting with the value (`cache.t4g.small`, unquoted, is fine).
 */
export function states(text: string, value: Scalar): boolean {
  if (leadingLiteral(text) === value) return true;
  if (typeof value !== 'string') return false;
  const t = text.replace(/`/g, '').trim();
  return t.startsWith(value) && /^($|[\s,;(])/.test(t.slice(value.length));
}

/** Default cells of the README's table rows for a prop. */
function readmeDefaults(readme: string, prop: string): string[] {
  return readme
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split(/(?<!\\)\|/).map((c) => c.trim()))
    .filter((cells) => cells[1] === `\`${prop}\``)
    .map((cells) => cells[3] ?? '');
}

/** Every disagreement in one module, as readable lines. */
function drift(moduleDir: string): string[] {
  const name = path.basename(moduleDir);
  const defaultsFile = path.join(moduleDir, 'defaults.ts');
  if (!fs.existsSync(defaultsFile)) return [];
  const files = sourceFiles(moduleDir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const defaults = require(defaultsFile) as Record<string, unknown>;
  const readmeFile = path.join(moduleDir, 'README.md');
  const readme = fs.existsSync(readmeFile) ? fs.readFileSync(readmeFile, 'utf8') : '';
  const problems: string[] = [];
  for (const b of bindings(files)) {
    const object = defaults[b.defaultsName];
    if (!object || typeof object !== 'object') continue;
    const docs = jsdocDefaults(files, b.iface);
    for (const [prop, value] of Object.entries(object as Record<string, unknown>)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) continue;
      const doc = docs.get(prop);
      if (doc === undefined) continue; // not a prop of this interface (a fixed setting), or documented without @default
      const where = `modules/${name}: ${b.iface}.${prop} (${b.defaultsName}.${prop} = ${JSON.stringify(value)})`;
      if (!states(doc, value as Scalar)) problems.push(`${where}: JSDoc says @default ${JSON.stringify(doc)}`);
      const cells = readmeDefaults(readme, prop);
      if (!cells.length) problems.push(`${where}: README.md has no props-table row for \`${prop}\``);
      else if (!cells.some((c) => states(c, value as Scalar))) problems.push(`${where}: README.md says ${cells.map((c) => JSON.stringify(c)).join(' / ')}`);
    }
  }
  return problems;
}

const moduleDirs = fs.readdirSync(MODULES).map((d) => path.join(MODULES, d)).filter((d) => fs.statSync(d).isDirectory());

describe('defaults are written three times and agree: JSDoc @default, defaults.ts, README', () => {
  test.each(moduleDirs.filter((d) => fs.existsSync(path.join(d, 'defaults.ts'))).map((d) => path.basename(d)))('modules/%s', (name) => {
    expect(drift(path.join(MODULES, name))).toEqual([]);
  });

  test('the convention binds every module that merges defaults (so the checks above have something to check)', () => {
    const bound = moduleDirs.filter((d) => bindings(sourceFiles(d)).length > 0).map((d) => path.basename(d));
    expect(bound).toEqual(expect.arrayContaining(['queue', 'function', 'database', 'observability', 'topic', 'kms', 'table', 'object-store']));
  });

  test('leading literals: numbers with underscores and notes, quoted strings, booleans; prose is none', () => {
    expect(leadingLiteral('`345600 (4 days)`')).toBe(345600);
    expect(leadingLiteral('1_209_600')).toBe(1209600);
    expect(leadingLiteral("`'nodejs22.x'` (`LAMBDA_RUNTIME`)")).toBe('nodejs22.x');
    expect(leadingLiteral('true')).toBe(true);
    expect(leadingLiteral('none - every key')).toBeUndefined();
    expect(leadingLiteral('`${namePrefix}-postgres`')).toBeUndefined();
    expect(leadingLiteral('7.5')).toBe(7.5);
    expect(states('`cache.t4g.small`', 'cache.t4g.small')).toBe(true);
    expect(states('`cache.t4g.smallest`', 'cache.t4g.small')).toBe(false);
    expect(states('`30` (7-30)', 30)).toBe(true);
    expect(states('none', 30)).toBe(false);
  });
});
