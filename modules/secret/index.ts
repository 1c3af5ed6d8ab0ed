import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { validateProps, withDefaults } from '../core/props';
import { IGrantable } from '../iam/policy';
import { SECRET_DEFAULTS } from './defaults';
import { pascalCase } from '../core/tags';

export interface SecretProps {
  /** Secret name, e.g. "classifyhub/dev/jwt-signing-key". */
  readonly secretName: string;
  /** What the secret is for. */
  readonly description: string;
  /**
   * Days a deleted secret stays restorable (7-30).
   * @default 7
   */
  readonly recoveryWindowDays?: number;
}

/**
 * A Secrets Manager secret *without* a value in Terraform: the value never
 * enters Terraform state. The workload that owns it generates it on first use
 * (grantInitialize) and everything else reads it (grantRead).
 */
export class Secret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    const p = withDefaults(SECRET_DEFAULTS, props);
    validateProps('Secret', p, [
      { field: 'secretName', valid: (x) => /^[A-Za-z0-9/_+=.@-]{1,512}$/.test(x.secretName), expected: '1-512 characters of [A-Za-z0-9/_+=.@-]' },
      { field: 'recoveryWindowDays', valid: (x) => Number.isInteger(x.recoveryWindowDays) && x.recoveryWindowDays >= 7 && x.recoveryWindowDays <= 30, expected: 'a whole number from 7 to 30' },
    ]);
    this.secretName = p.secretName;
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: p.secretName,
      description: p.description,
      recoveryWindowInDays: p.recoveryWindowDays,
    });
  }

  get secretArn(): string {
    return this.secret.arn;
  }

  /** Lets the grantee read the current value. */
  grantRead(grantee: IGrantable): void {
    grantee.addToPolicy({
      sid: `Read${pascalCase(this.node.id)}`,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [this.secret.arn],
    });
  }

  /**
   * Lets the grantee read the value and put one (PutSecretValue). IAM cannot
   * limit this to "once": the host's boot script only puts a value when the
   * secret has none yet.
   */
  grantInitialize(grantee: IGrantable): void {
    grantee.addToPolicy({
      sid: `Initialize${pascalCase(this.node.id)}`,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
      resources: [this.secret.arn],
    });
  }
}

