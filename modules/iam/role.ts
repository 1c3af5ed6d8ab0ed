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
  private readonly policyName: string;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    validateProps('ServiceRole', props, [
      { field: 'roleName', valid: (p) => /^[\w+=,.@-]{1,64}$/.test(p.roleName), expected: '1-64 characters of [A-Za-z0-9+=,.@_-]' },
      { field: 'assumedBy', valid: (p) => /^[a-z0-9.-]+\.amazonaws\.com$/.test(p.assumedBy), expected: 'a service principal such as ec2.amazonaws.com' },
    ]);
    this.policyName = `${props.roleName}-grants`;
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

  addToPolicy(statement: PolicyStatement): void {
    if (!this.statements.length) {
      // Created with the first grant, so a role without grants has no empty policy.
      new IamRolePolicy(this, 'policy', {
        name: this.policyName,
        role: this.role.id,
        policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements) }),
      });
    }
    this.statements.push(statement);
  }

  /** The statements granted so far (copies; for tests and reviewers). */
  get grantedStatements(): readonly PolicyStatement[] {
    return [...this.statements];
  }
}
