import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IGrantable, PolicyStatement, renderPolicy, serviceTrustPolicy } from './policy';
import { validateProps } from '../core/props';

export interface ServiceRoleProps {
  /** Role name (account-unique, up to 64 characters). */
  readonly roleName: string;
  /** Service principal allowed to assume the role, e.g. "ec2.amazonaws.com". */
  readonly assumedBy: string;
  /** Human description shown in the console. */
  readonly description: string;
  /**
   * AWS-managed policies to attach, by ARN.
   * @default none: the role has only what grantXxx methods add
   */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * An IAM role for an AWS service. Access is added by other modules'
 * `grantXxx(role)` methods; the statements render into one inline policy
 * (`aws_iam_role_policy.<id>_policy`, created with the first grant), in the
 * order they were granted.
 */
export class ServiceRole extends Construct implements IGrantable {
  readonly role: IamRole;
  private readonly statements: PolicyStatement[] = [];
  /** Who added each statement (by index), for the duplicate-sid error. */
  private readonly origins: string[] = [];
  private readonly policyName: string;
  /** The role name as given (roleName resolves to a token). */
  private readonly givenName: string;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    validateProps('ServiceRole', props, [
      { field: 'roleName', valid: (p) => /^[\w+=,.@-]{1,64}$/.test(p.roleName), expected: '1-64 characters of [A-Za-z0-9+=,.@_-]' },
      { field: 'assumedBy', valid: (p) => /^[a-z0-9.-]+\.amazonaws\.com$/.test(p.assumedBy), expected: 'a service principal such as ec2.amazonaws.com' },
    ]);
    this.policyName = `${props.roleName}-grants`;
    this.givenName = props.roleName;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: serviceTrustPolicy(props.assumedBy),
    });
    (props.managedPolicyArns ?? []).forEach((arn) => {
      const short = arn.split('/').pop()!.replace(/[^A-Za-z0-9]/g, '');
      new IamRolePolicyAttachment(this, `attach_${short}`, { role: this.role.name, policyArn: arn });
    });
  }

  get roleName(): string {
    return this.role.name;
  }

  get roleArn(): string {
    return this.role.arn;
  }

  /**
   * Appends a statement to the role's inline policy. A sid already on the role is an error
   * naming the role, the sid and who added each statement (IAM would reject the policy, or a
   * reviewer could not tell the statements apart).
   * @param origin who adds the statement, e.g. "Send grant of onboarding-dev/validation_errors"
   * @default origin the calling source line
   */
  addToPolicy(statement: PolicyStatement, origin?: string): void {
    const from = origin ?? callerLocation();
    const existing = statement.sid === undefined ? -1 : this.statements.findIndex((s) => s.sid === statement.sid);
    if (existing >= 0) {
      throw new Error(
        `ServiceRole ${this.node.path} (role ${this.givenName}): statement id "${statement.sid}" is already on the role; ` +
          `first added by ${this.origins[existing]}, again by ${from}. Each grant needs its own sid (grant ids come from the resource's construct path).`,
      );
    }
    if (!this.statements.length) {
      // Created with the first grant, so a role without grants has no empty policy.
      new IamRolePolicy(this, 'policy', {
        name: this.policyName,
        role: this.role.id,
        policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements) }),
      });
    }
    this.statements.push(statement);
    this.origins.push(from);
  }

  /** Who added each statement so far, in order (for tests and reviewers). */
  get statementOrigins(): readonly string[] {
    return [...this.origins];
  }

  /** The statements granted so far (copies; for tests and reviewers). */
  get grantedStatements(): readonly PolicyStatement[] {
    return [...this.statements];
  }
}

/** "modules/function/index.ts:321" of the code that called addToPolicy (relative to the working directory). */
function callerLocation(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const frame = frames.find((f) => !/[\\/]modules[\\/]iam[\\/](role|grant)\.[jt]s/.test(f)) ?? '';
  const match = /\(?([^()\s]+):(\d+):\d+\)?\s*$/.exec(frame);
  if (!match) return 'an unknown caller';
  const file = match[1].replace(/^file:\/\//, '');
  const relative = file.startsWith(process.cwd()) ? file.slice(process.cwd().length + 1) : file;
  return `${relative}:${match[2]}`;
}
