/**
 * Shared plumbing for module props: defaults as data merged under the caller's
 * props, and validation against a table of rules whose messages show the value
 * received.
 */

/** One validation rule of a construct's props. */
export interface PropRule<P> {
  /** Name of the prop the rule is about (shown in the message). */
  readonly field: string;
  /** Returns true when the props are acceptable. */
  readonly valid: (props: P) => boolean;
  /** What is allowed, e.g. "a whole number from 8 to 16384". */
  readonly expected: string;
}

/** Raised when a construct receives props that break one or more rules. */
export class PropsError extends Error {
  constructor(owner: string, problems: readonly string[]) {
    super(`${owner}: invalid props\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PropsError';
  }
}

/** Checks every rule and throws one error listing all failures, each with the value received. */
export function validateProps<P extends object>(owner: string, props: P, rules: readonly PropRule<P>[]): void {
  const problems = rules
    .filter((rule) => !rule.valid(props))
    .map((rule) => `${rule.field}: received ${show(valueAt(props, rule.field))}; expected ${rule.expected}`);
  if (problems.length) throw new PropsError(owner, problems);
}

/** Shallow merge of defaults and props; props whose value is undefined keep the default. */
export function withDefaults<D extends object, P extends object>(defaults: D, props: P): Omit<D, keyof P> & P & D {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as Omit<D, keyof P> & P & D;
}

function valueAt(obj: object, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((cur, key) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined), obj);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // Constructs are circular: show them by construct path.
  const text = JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && 'node' in v && (v as { node?: { path?: unknown } }).node?.path ? `<${(v as { node: { path: string } }).node.path}>` : v));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
