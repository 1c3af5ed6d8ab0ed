/**
 * A small evaluator for the Terraform expressions that CDKTF writes into
 * cdk.tf.json: string templates (`"${aws_eip.ip.public_ip}/32"`) whose
 * interpolations are resource references, index/attribute traversals and a
 * handful of pure functions (`tolist`, `element`, `lookup`, `join`, ...).
 *
 * The promotion check uses it to fill the values a plan leaves unknown
 * ("known after apply") from the values it simulated for the referenced
 * resources, so references agree across the simulated state. Anything it does
 * not understand (operators, conditionals, `for`, `uuid()`, variables) throws
 * {@link UnsupportedExpression}; the caller then falls back to a placeholder and
 * lets Terraform correct it (see promote-state.ts, the fixpoint).
 */

import type { Value } from '../terraform/model';

export type { Value };

/** Raised for syntax or functions the evaluator does not support, and for failed lookups. */
export class UnsupportedExpression extends Error {}

/** Resolves `type.name` to the (simulated) attributes of that resource, or throws UnsupportedExpression. */
export type ResourceResolver = (type: string, name: string) => Value;

/** Roots that are not resource types. */
const NON_RESOURCE_ROOTS = new Set(['var', 'local', 'data', 'module', 'each', 'count', 'path', 'terraform', 'self']);

/**
 * Evaluates a raw value of cdk.tf.json: strings are templates, arrays and
 * objects are evaluated element by element (keys starting with `//` are
 * CDKTF metadata and dropped).
 */
export function evaluateRaw(raw: unknown, resolve: ResourceResolver): Value {
  if (typeof raw === 'string') return evaluateTemplate(raw, resolve);
  if (Array.isArray(raw)) return raw.map((item) => evaluateRaw(item, resolve));
  if (raw !== null && typeof raw === 'object') {
    const out: Record<string, Value> = {};
    for (const [key, value] of Object.entries(raw)) if (!key.startsWith('//')) out[key] = evaluateRaw(value, resolve);
    return out;
  }
  if (raw === undefined) throw new UnsupportedExpression('undefined value');
  return raw as Value;
}

/** True when a raw string contains an interpolation or directive (so it is not a plain literal). */
export function isTemplate(raw: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(raw);
}

/**
 * Evaluates a Terraform string template. A template that is exactly one
 * interpolation keeps the type of its value (a list stays a list); otherwise
 * the parts are concatenated as strings.
 */
export function evaluateTemplate(template: string, resolve: ResourceResolver): Value {
  const parts: Array<{ literal: string } | { expr: Value }> = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (template.startsWith('%%{', i)) {
      literal += '%{';
      i += 3;
    } else if (template.startsWith('%{', i)) {
      throw new UnsupportedExpression('template directives (%{...}) are not supported');
    } else if (template.startsWith('${', i)) {
      if (literal) parts.push({ literal });
      literal = '';
      const parser = new Parser(template, i + 2, resolve);
      const value = parser.expression();
      parser.skipSpace();
      if (template[parser.pos] !== '}') throw new UnsupportedExpression(`unsupported expression at "${template.slice(i, parser.pos + 10)}"`);
      parts.push({ expr: value });
      i = parser.pos + 1;
    } else {
      literal += template[i];
      i += 1;
    }
  }
  if (literal) parts.push({ literal });
  if (parts.length === 1 && 'expr' in parts[0]) return parts[0].expr;
  return parts.map((part) => ('literal' in part ? part.literal : toStringValue(part.expr))).join('');
}

function toStringValue(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnsupportedExpression(`cannot interpolate a ${value === null ? 'null' : Array.isArray(value) ? 'list' : 'object'} into a string`);
}

function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new UnsupportedExpression(`expected a number, got ${JSON.stringify(value)}`);
}

function toList(value: Value): Value[] {
  if (Array.isArray(value)) return value;
  throw new UnsupportedExpression(`expected a list, got ${JSON.stringify(value)}`);
}

function index(value: Value, key: Value): Value {
  if (Array.isArray(value)) {
    const i = toNumber(key);
    if (!Number.isInteger(i) || i < 0 || i >= value.length) throw new UnsupportedExpression(`index ${i} out of range (length ${value.length})`);
    return value[i];
  }
  if (value !== null && typeof value === 'object') {
    const k = toStringValue(key);
    if (!(k in value)) throw new UnsupportedExpression(`no attribute or key "${k}"`);
    return value[k];
  }
  throw new UnsupportedExpression(`cannot index ${JSON.stringify(value)} with ${JSON.stringify(key)}`);
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  tolist: ([v]) => toList(v),
  toset: ([v]) => [...new Map(toList(v).map((item) => [JSON.stringify(item), item])).values()],
  tostring: ([v]) => toStringValue(v),
  tonumber: ([v]) => toNumber(v),
  tomap: ([v]) => v,
  element: ([list, i]) => {
    const items = toList(list);
    if (items.length === 0) throw new UnsupportedExpression('element() of an empty list');
    return items[toNumber(i) % items.length];
  },
  lookup: ([map, key, ...fallback]) => {
    if (map !== null && typeof map === 'object' && !Array.isArray(map) && toStringValue(key) in map) return map[toStringValue(key)];
    if (fallback.length > 0) return fallback[0];
    throw new UnsupportedExpression(`lookup: no key ${JSON.stringify(key)}`);
  },
  join: ([sep, list]) => toList(list).map(toStringValue).join(toStringValue(sep)),
  length: ([v]) => (typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : v !== null && typeof v === 'object' ? Object.keys(v).length : toList(v).length),
  lower: ([v]) => toStringValue(v).toLowerCase(),
  upper: ([v]) => toStringValue(v).toUpperCase(),
  concat: (lists) => lists.flatMap(toList),
  coalesce: (values) => {
    const found = values.find((v) => v !== null && v !== '');
    if (found === undefined) throw new UnsupportedExpression('coalesce: no non-null argument');
    return found;
  },
  split: ([sep, s]) => toStringValue(s).split(toStringValue(sep)),
};

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /\d+(\.\d+)?([eE][+-]?\d+)?/y;

/** Recursive-descent parser + evaluator over the body of one `${ ... }`. */
class Parser {
  constructor(
    private readonly src: string,
    public pos: number,
    private readonly resolve: ResourceResolver,
  ) {}

  skipSpace(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos += 1;
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.src[this.pos] !== ch) throw new UnsupportedExpression(`expected "${ch}" at "${this.src.slice(this.pos, this.pos + 20)}"`);
    this.pos += 1;
  }

  /** expression := primary postfix* (no operators, no conditionals) */
  expression(): Value {
    let value = this.primary();
    for (;;) {
      this.skipSpace();
      const ch = this.src[this.pos];
      if (ch === '.' && this.src[this.pos + 1] !== '*') {
        this.pos += 1;
        const key = this.match(NUMBER) ?? this.match(IDENT);
        if (key === undefined) throw new UnsupportedExpression(`bad traversal at "${this.src.slice(this.pos, this.pos + 20)}"`);
        value = index(value, /^\d/.test(key) ? Number(key) : key);
      } else if (ch === '[' && this.src[this.pos + 1] !== '*') {
        this.pos += 1;
        const key = this.expression();
        this.expect(']');
        value = index(value, key);
      } else {
        return value;
      }
    }
  }

  private primary(): Value {
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === '"') return this.stringLiteral();
    if (ch === '(') {
      this.pos += 1;
      const value = this.expression();
      this.expect(')');
      return value;
    }
    if (ch === '[') {
      this.pos += 1;
      const items: Value[] = [];
      this.skipSpace();
      while (this.src[this.pos] !== ']') {
        items.push(this.expression());
        this.skipSpace();
        if (this.src[this.pos] === ',') this.pos += 1;
        else if (this.src[this.pos] !== ']') throw new UnsupportedExpression('bad list literal');
        this.skipSpace();
      }
      this.pos += 1;
      return items;
    }
    const number = this.match(NUMBER);
    if (number !== undefined) return Number(number);
    const ident = this.match(IDENT);
    if (ident === undefined) throw new UnsupportedExpression(`unsupported syntax at "${this.src.slice(this.pos, this.pos + 20)}"`);
    if (ident === 'true') return true;
    if (ident === 'false') return false;
    if (ident === 'null') return null;
    this.skipSpace();
    if (this.src[this.pos] === '(') return this.call(ident);
    if (NON_RESOURCE_ROOTS.has(ident)) throw new UnsupportedExpression(`references to ${ident}.* are not supported`);
    if (this.src[this.pos] !== '.') throw new UnsupportedExpression(`bare identifier "${ident}"`);
    this.pos += 1;
    const name = this.match(IDENT);
    if (name === undefined) throw new UnsupportedExpression(`bad reference after "${ident}."`);
    return this.resolve(ident, name);
  }

  private call(name: string): Value {
    const fn = FUNCTIONS[name];
    if (!fn) throw new UnsupportedExpression(`function ${name}() is not supported`);
    this.pos += 1; // "("
    const args: Value[] = [];
    this.skipSpace();
    while (this.src[this.pos] !== ')') {
      args.push(this.expression());
      this.skipSpace();
      if (this.src[this.pos] === ',') this.pos += 1;
      else if (this.src[this.pos] !== ')') throw new UnsupportedExpression(`bad arguments to ${name}()`);
      this.skipSpace();
    }
    this.pos += 1;
    return fn(args);
  }

  /** A quoted string without interpolations (those would need a nested template parser). */
  private stringLiteral(): string {
    const start = this.pos;
    this.pos += 1;
    while (this.pos < this.src.length && this.src[this.pos] !== '"') {
      if (this.src[this.pos] === '\\') this.pos += 1;
      else if (this.src.startsWith('${', this.pos)) throw new UnsupportedExpression('nested templates are not supported');
      this.pos += 1;
    }
    if (this.src[this.pos] !== '"') throw new UnsupportedExpression('unterminated string');
    this.pos += 1;
    return JSON.parse(this.src.slice(start, this.pos)) as string;
  }
}
