import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
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
 * Anything that names a Secrets Manager secret and can grant reading it: a
 * `Secret` of this module, or a secret a managed service creates for itself
 * (e.g. RDS's managed master password). ECS task definitions take this.
 */
export interface ISecretReference {
  /** ARN of the secret. */
  readonly secretArn: string;
  /** Lets the grantee read the current value. */
  grantRead(grantee: IGrantable): void;
}

/**
 * A Secrets Manager secret *without* a value in Terraform: the value never
 * enters Terraform state. The workload that owns it generates it on first use
 * (grantInitialize) and everything else reads it (grantRead).
 *
 * Exception, opt-in: `setValueFrom(expression)` gives the secret an initial
 * value computed by Terraform (e.g. an attribute of another resource). That
 * value is in Terraform state; use it only for values already there.
 */
export class Secret extends Construct implements ISecretReference {
  readonly secret: SecretsmanagerSecret;
  readonly secretName: string;
  /** The version created by `setValueFrom`, if it was called. */
  private valueVersion?: SecretsmanagerSecretVersion;

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

  /**
   * Gives the secret an initial value from a Terraform expression, e.g.
   * `replicationGroup.authToken` or a `${...}` interpolation: creates
   * `aws_secretsmanager_secret_version.<id>_value`. The value is stored in
   * Terraform state (as the expression's source already is). Versions put
   * later outside Terraform (rotation) become AWSCURRENT without a plan diff.
   * Callable once per secret.
   */
  setValueFrom(expression: string): SecretsmanagerSecretVersion {
    if (this.valueVersion) {
      throw new Error(`Secret ${this.node.path}: setValueFrom was already called; a secret gets at most one Terraform-managed value`);
    }
    this.valueVersion = new SecretsmanagerSecretVersion(this, 'value', {
      secretId: this.secret.id,
      secretString: expression,
    });
    return this.valueVersion;
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

