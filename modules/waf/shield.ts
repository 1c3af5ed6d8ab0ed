import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { ShieldProtection } from '@cdktf/provider-aws/lib/shield-protection';
import { validateProps } from '../core/props';

export interface ShieldAdvancedProtectionProps {
  /** Name of the protection (1-128 of [A-Za-z0-9_.-]), e.g. "classifyhub-prod-alb". */
  readonly name: string;
  /** ARN of the protected resource: an ALB, a CloudFront distribution, an Elastic IP allocation, a Route 53 zone or a Global Accelerator. */
  readonly resourceArn: string;
  /**
   * Provider of the protection (CloudFront distributions: any region works; keep it with the resource).
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * One `aws_shield_protection`: Shield Advanced for one resource. It needs an
 * active Shield Advanced subscription in the account, which this program never
 * creates: the subscription is a one-year commitment (USD 3,000 a month) that
 * `terraform destroy` cannot end. Systems create protections only when the
 * environment opts in (`shieldAdvanced: true`).
 */
export class ShieldAdvancedProtection extends Construct {
  readonly protection: ShieldProtection;

  constructor(scope: Construct, id: string, props: ShieldAdvancedProtectionProps) {
    super(scope, id);
    validateProps('ShieldAdvancedProtection', { ...props, provider: props.provider?.node.path }, [
      { field: 'name', valid: (x) => /^[A-Za-z0-9_.-]{1,128}$/.test(x.name), expected: '1-128 characters of [A-Za-z0-9_.-]' },
    ]);
    this.protection = new ShieldProtection(this, 'protection', {
      ...(props.provider ? { provider: props.provider } : {}),
      name: props.name,
      resourceArn: props.resourceArn,
    });
  }
}
