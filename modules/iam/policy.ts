/** One IAM policy statement, in the shape of the IAM JSON policy language. */
export interface PolicyStatement {
  /** Statement id; keeps diffs of the rendered policy readable. */
  readonly sid?: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** Resource ARNs; "*" only for actions that cannot be scoped (say so in the sid). */
  readonly resources: readonly string[];
  /** IAM condition block, e.g. { Bool: { 'aws:SecureTransport': 'false' } }. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Principal, only for resource policies. */
  readonly principals?: Readonly<Record<string, string | readonly string[]>>;
}

/** Anything access can be granted to (a role). Modules' grant / grantXxx methods take this. */
export interface IGrantable {
  /**
   * Adds a statement to the grantee's identity policy. Only modules call this (a test fails on a
   * call from systems/ or main.ts): systems grant with the resource modules' `grant` / `grantXxx`.
   * @param origin who added the statement (shown when two statements share a sid)
   */
  addToPolicy(statement: PolicyStatement, origin?: string): void;
}

/** Renders statements as an IAM policy document (JSON string; tokens stay embedded). */
export function renderPolicy(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      ...(s.principals ? { Principal: s.principals } : {}),
      Action: s.actions.length === 1 ? s.actions[0] : [...s.actions],
      Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Trust policy letting an AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}
