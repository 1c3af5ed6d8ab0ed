/**
 * API Gateway's mapping-template runtime on a real Velocity engine (velocityjs): `$input` (body, json, path,
 * params), `$util` (base64Encode/Decode, escapeJavaScript, parseJson, urlEncode/Decode) and `$context`
 * (requestId, requestTimeEpoch, responseOverride.status). Used by the local mode and the template tests; in AWS
 * API Gateway renders the same committed files itself.
 */
import { Compile, parse } from 'velocityjs';

/** Parsed templates, by text (parsing is most of the cost of a render). */
const compiled = new Map<string, ReturnType<typeof parse>>();
/** Parsed double-quoted strings: velocityjs parses each interpolated string on every evaluation otherwise. */
const strings = new Map<string, ReturnType<typeof parse>>();

/** velocityjs' compiler with the interpolated-string parse cached (same output, about 10x faster on PutRecords). */
class CachingCompile extends Compile {
  evalStr(str: string): string {
    let asts = strings.get(str);
    if (!asts) {
      asts = parse(str);
      strings.set(str, asts);
    }
    const self = this as unknown as { renderAstList(a: unknown, id: string): string; contextId: string };
    return self.renderAstList(asts, self.contextId);
  }
}

export interface TemplateInput {
  /** Raw body (a request body, or the service's response body). */
  readonly body: string;
  /** $context fields (requestId, requestTimeEpoch, ...). */
  readonly context?: Readonly<Record<string, unknown>>;
  readonly params?: { readonly path?: Record<string, string>; readonly querystring?: Record<string, string>; readonly header?: Record<string, string> };
}

export interface Rendered {
  readonly output: string;
  /** `#set($context.responseOverride.status = N)` in a response template. */
  readonly statusOverride?: number;
}

/** Renders a mapping template as API Gateway would. */
export function renderTemplate(template: string, input: TemplateInput): Rendered {
  let root: unknown;
  let parsed = false;
  const parseRoot = (): unknown => {
    if (!parsed) {
      parsed = true;
      root = input.body.trim() === '' ? {} : JSON.parse(input.body);
    }
    return root;
  };
  const responseOverride: { status?: unknown; header?: Record<string, string> } = { header: {} };
  const context = { ...(input.context ?? {}), responseOverride };
  const ctx = {
    input: {
      body: input.body,
      json: (p: string) => {
        const v = jsonPath(parseRoot(), p);
        return v === undefined ? '' : JSON.stringify(v);
      },
      path: (p: string) => jsonPath(parseRoot(), p),
      params: (name?: string) => {
        const all = { path: input.params?.path ?? {}, querystring: input.params?.querystring ?? {}, header: input.params?.header ?? {} };
        if (name === undefined) return all;
        return all.path[name] ?? all.querystring[name] ?? all.header[name] ?? '';
      },
    },
    util: UTIL,
    context,
  };
  let ast = compiled.get(template);
  if (!ast) {
    ast = parse(template);
    compiled.set(template, ast);
  }
  const output = new CachingCompile(ast, { escape: false }).render(ctx) as string;
  const status = responseOverride.status;
  return { output, statusOverride: status === undefined || status === null || status === '' ? undefined : Number(status) };
}

/** $util of API Gateway. */
export const UTIL = {
  base64Encode: (s: unknown) => Buffer.from(String(s ?? ''), 'utf8').toString('base64'),
  base64Decode: (s: unknown) => Buffer.from(String(s ?? ''), 'base64').toString('utf8'),
  escapeJavaScript: (s: unknown) => escapeJavaScript(String(s ?? '')),
  parseJson: (s: unknown) => JSON.parse(String(s)),
  urlEncode: (s: unknown) => encodeURIComponent(String(s ?? '')),
  urlDecode: (s: unknown) => decodeURIComponent(String(s ?? '')),
};

/**
 * Apache Commons Lang `StringEscapeUtils.escapeJavaScript` (what API Gateway's $util.escapeJavaScript is):
 * backslash escapes for quotes, backslash, slash and control characters, \\uXXXX above 0x7f.
 */
export function escapeJavaScript(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code > 0xffff) {
      // Surrogate pairs, as Java strings hold them.
      const hi = Math.floor((code - 0x10000) / 0x400) + 0xd800;
      const lo = ((code - 0x10000) % 0x400) + 0xdc00;
      out += `\\u${hi.toString(16).toUpperCase()}\\u${lo.toString(16).toUpperCase()}`;
    } else if (code > 0x7f) {
      out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else if (code < 32) {
      const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      out += named[code] ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else if (ch === '"' || ch === "'" || ch === '\\' || ch === '/') {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * The JSONPath subset mapping templates use: `$`, `$.a.b`, `$.a[0].b`, `$['a b']`. A missing member is undefined.
 */
export function jsonPath(root: unknown, expression: string): unknown {
  const expr = expression.trim();
  if (!expr.startsWith('$')) throw new Error(`JSONPath ${JSON.stringify(expression)} must start with "$"`);
  const tokens: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < expr.length) {
    const at = re.lastIndex;
    const m = re.exec(expr);
    if (!m) throw new Error(`JSONPath ${JSON.stringify(expression)}: cannot read from position ${at}`);
    tokens.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
  }
  let cur: unknown = root;
  for (const t of tokens) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[t];
  }
  return cur;
}
