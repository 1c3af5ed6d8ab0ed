/**
 * Small pure helpers the rules share: results, reading synthesized arguments
 * (nested blocks are an object or a list of objects; booleans may arrive as
 * strings), and IAM policy documents.
 */
import type { RuleResult } from './types';

export const COMPLIANT: RuleResult = { status: 'compliant' };
export const NOT_APPLICABLE: RuleResult = { status: 'not-applicable' };

export function nonCompliant(detail: string): RuleResult {
  return { status: 'non-compliant', detail };
}

/** Compliant when there are no problems, else non-compliant with them joined. */
export function verdict(problems: readonly string[]): RuleResult {
  return problems.length ? nonCompliant(problems.join('; ')) : COMPLIANT;
}

/** True for `true` and "true" (some provider arguments are string-typed booleans). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The blocks of a nested-block argument: `{...}` -> [{...}], `[{...}]` -> as is, missing -> []. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
  if (typeof value === 'object' && value !== null) return [value as Record<string, unknown>];
  return [];
}

/** The first block of a nested-block argument, or an empty object. */
export function block(value: unknown): Record<string, unknown> {
  return blocks(value)[0] ?? {};
}

/** A value or list of values as a list of strings (non-strings dropped). */
export function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** A number from a number or numeric string, else undefined (a Terraform expression). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** Shows a value in a finding: "nothing" when unset. */
export function show(value: unknown): string {
  return value === undefined || value === null ? 'nothing' : JSON.stringify(value);
}

/** `lifecycle.prevent_destroy` of a resource. */
export function preventsDestroy(config: Readonly<Record<string, unknown>>): boolean {
  return isTrue(block(config.lifecycle).prevent_destroy);
}

/** One statement of an IAM policy document, with Action/Resource as lists. */
export interface Statement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly principal: unknown;
  readonly condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Parses a policy document argument. The synthesized value is a JSON string
 * with references embedded ("${aws_s3_bucket.b.arn}/*"). Returns undefined
 * when it is not literal JSON (e.g. "${jsonencode(...)}"): such a policy
 * cannot be checked at synth time.
 */
export function parsePolicy(value: unknown): Statement[] | undefined {
  let doc: unknown = value;
  if (typeof value === 'string') {
    try {
      doc = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => ({
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: typeof s.Effect === 'string' ? s.Effect : 'Allow',
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: [...strings(s.Resource), ...strings(s.NotResource)],
      principal: s.Principal,
      condition: s.Condition as Statement['condition'],
    }));
}

/** "Sid" or "statement 2" for messages. */
export function statementName(s: Statement, index: number): string {
  return s.sid ? `statement ${s.sid}` : `statement ${index + 1}`;
}

/** True when a principal is everyone: "*" or {AWS: "*"} (no narrowing condition considered). */
export function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (typeof principal === 'object' && principal !== null) {
    return strings((principal as Record<string, unknown>).AWS).includes('*');
  }
  return false;
}

/** True when a Deny statement refuses requests that are not over TLS (aws:SecureTransport = false). */
export function deniesInsecureTransport(s: Statement): boolean {
  if (s.effect !== 'Deny' || !isEveryone(s.principal)) return false;
  const value = (s.condition?.Bool ?? s.condition?.BoolIfExists)?.['aws:SecureTransport'];
  return (Array.isArray(value) ? value : [value]).some((v) => String(v).toLowerCase() === 'false');
}

/**
 * Resources of a type attached to a target through an argument (e.g. every
 * aws_s3_bucket_policy whose `bucket` is the bucket): the argument is a
 * reference to the target, or the target's literal name.
 */
export function attached(context: import('./types').RuleContext, target: import('./types').ResourceView, type: string, argument: string, literal?: unknown): import('./types').ResourceView[] {
  return context.resources(type).filter((r) => {
    const value = r.config[argument];
    return context.target(value) === target.address || (literal !== undefined && typeof literal === 'string' && value === literal);
  });
}
