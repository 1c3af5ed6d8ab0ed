/**
 * The one way a module grants access to its resources: every `grant(grantee, ...actions)` and
 * `grantXxx(grantee)` of a module ends in `grantStatement`, which names the statement after the
 * resource's construct path and tells the grantee where the statement came from (so a duplicate
 * statement id on one role fails at synth naming both origins).
 */
import { Construct, IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { pascalCase } from '../core/tags';
import { IGrantable, PolicyStatement } from './policy';

/** What one grant adds to the grantee's policy. */
export interface GrantOptions {
  /** First part of the statement id, e.g. "Send", "ReadWrite" (the resource's path follows). */
  readonly verb: string;
  /** Construct the statement is about; its path names the statement. */
  readonly resource: IConstruct;
  /** IAM actions granted. */
  readonly actions: readonly string[];
  /** Resource ARNs the actions apply to. */
  readonly resources: readonly string[];
  /**
   * IAM condition block.
   * @default none
   */
  readonly conditions?: PolicyStatement['conditions'];
  /**
   * Text after the path in the statement id, e.g. "Key" or "Unscopable".
   * @default none
   */
  readonly suffix?: string;
  /**
   * `verb` is the whole statement id, already derived from the path (e.g. by `grantPath`).
   * @default false
   */
  readonly sidIsVerb?: boolean;
}

/**
 * Path of `resource` below the lowest scope it shares with the grantee, in snake case
 * (`validation_errors`, `validation_errors_dead_letter_queue`). Without a construct grantee:
 * the path below the stack. Two resources with the same construct id in different scopes get
 * different names whenever one role is granted both.
 */
export function grantPath(resource: IConstruct, grantee?: IGrantable): string {
  const scopes = resource.node.scopes;
  let from = scopes.indexOf(TerraformStack.of(resource)) + 1;
  if (grantee && Construct.isConstruct(grantee)) {
    const granteeScopes = (grantee as IConstruct).node.scopes;
    let shared = 0;
    while (shared < scopes.length && shared < granteeScopes.length && scopes[shared] === granteeScopes[shared]) shared++;
    from = Math.max(from, Math.min(shared, scopes.length - 1));
  }
  return scopes.slice(from).map((s) => s.node.id).join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

/** Statement id of a grant: `<verb><PascalCase path of the resource><suffix>` (path as `grantPath`). */
export function grantSid(verb: string, resource: IConstruct, grantee?: IGrantable, suffix = ''): string {
  return `${verb}${pascalCase(grantPath(resource, grantee))}${suffix}`;
}

/** Statement id part naming actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'] -> "SendMessageGetQueueUrl". */
export function actionsVerb(actions: readonly string[]): string {
  return actions.map((a) => pascalCase(a.replace(/^[^:]*:/, '').replace(/\*/g, 'All'))).join('');
}

/** Adds one statement to the grantee's policy, named by `grantSid`; the origin is the resource's construct path. */
export function grantStatement(grantee: IGrantable, options: GrantOptions): void {
  if (options.actions.length === 0) throw new Error(`grant on ${options.resource.node.path}: at least one action is required (received none)`);
  grantee.addToPolicy(
    {
      sid: options.sidIsVerb ? options.verb : grantSid(options.verb, options.resource, grantee, options.suffix),
      actions: [...options.actions],
      resources: [...options.resources],
      ...(options.conditions ? { conditions: options.conditions } : {}),
    },
    `${options.verb}${options.suffix ?? ''} grant of ${options.resource.node.path}`,
  );
}
