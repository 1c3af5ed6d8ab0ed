import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { LambdaFunction } from '../function';
import { validateProps, withDefaults } from '../core/props';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';
import { SECRET_DEFAULTS } from './defaults';

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
  /**
   * Customer managed KMS key encrypting the secret; grants then include kms:Decrypt (and, for writers,
   * kms:GenerateDataKey) through Secrets Manager. The key policy must admit the account's IAM policies.
   * @default none - the AWS managed key aws/secretsmanager
   */
  readonly encryptionKey?: KmsKey;
}

/**
 * Anything that names a Secrets Manager secret and can grant reading it: a
 * `Secret` of this module, or a secret a managed service creates for itself
 * (e.g. RDS's managed master password). ECS task definitions take this.
 */
export interface ISecretReference {
  /** ARN of the secret. */
  readonly secretArn: string;
  /** Lets the grantee perform `actions` (e.g. 'secretsmanager:GetSecretValue') on the secret. */
  grant(grantee: IGrantable, ...actions: string[]): void;
  /** Lets the grantee read the current value (GetSecretValue, DescribeSecret). */
  grantRead(grantee: IGrantable): void;
  /** Lets the grantee read the current value only (GetSecretValue). */
  grantReadValue(grantee: IGrantable): void;
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
  private readonly encryptionKey?: KmsKey;
  /** The rotation created by `addRotation`, if it was called. */
  rotation?: SecretsmanagerSecretRotation;

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
      kmsKeyId: p.encryptionKey?.arn,
    });
    this.encryptionKey = p.encryptionKey;
  }

  /**
   * Automatic rotation by a rotation Lambda (`aws_secretsmanager_secret_rotation.<id>_rotation`): Secrets Manager may
   * invoke the function for this secret only (`aws_lambda_permission.<id>_rotation_permission`), and the function's
   * role gets the four-step rotation actions on this secret (and the key's use through Secrets Manager).
   * The first rotation runs when the rotation is created, so a secret without a value gets its first one from the function.
   */
  addRotation(fn: LambdaFunction, options: { readonly afterDays: number; readonly accountId: string }): SecretsmanagerSecretRotation {
    validateProps('Secret.addRotation', options, [
      { field: 'afterDays', valid: (x) => Number.isInteger(x.afterDays) && x.afterDays >= 1 && x.afterDays <= 1000, expected: 'a whole number of days from 1 to 1000' },
    ]);
    if (this.rotation) throw new Error(`Secret ${this.node.path}: addRotation was already called`);
    const permission = fn.grantInvokeToService(this, 'rotation_permission', {
      principal: 'secretsmanager.amazonaws.com',
      sourceArn: this.secret.arn,
      sourceAccount: options.accountId,
      statementId: `AllowSecretsManagerRotation${this.node.id.replace(/(^|_)([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase())}`,
    });
    grantStatement(fn.role, { verb: 'Rotate', resource: this, actions: SECRET_GRANTS.rotate, resources: [this.secret.arn] });
    this.grantKeyUse(fn.role, 'Rotate', true);
    this.rotation = new SecretsmanagerSecretRotation(this, 'rotation', {
      secretId: this.secret.id,
      rotationLambdaArn: fn.functionArn,
      rotationRules: { automaticallyAfterDays: options.afterDays },
      dependsOn: [permission],
    });
    return this.rotation;
  }

  /** kms:Decrypt (+ GenerateDataKey for writers) of the secret's key through Secrets Manager, when it has one. */
  private grantKeyUse(grantee: IGrantable, verb: string, write: boolean): void {
    if (!this.encryptionKey) return;
    grantStatement(grantee, {
      verb,
      resource: this,
      suffix: 'Key',
      actions: write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      resources: [this.encryptionKey.arn],
      conditions: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
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

  /**
   * Lets the grantee perform `actions` on the secret; the statement id is the actions' names
   * followed by the secret's construct path. Every grantXxx below is built on the same statement builder.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.secret.arn] });
  }

  /** Lets the grantee read the current value (sid `Read<path>`). */
  grantRead(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Read', resource: this, actions: SECRET_GRANTS.read, resources: [this.secret.arn] });
    this.grantKeyUse(grantee, 'Read', false);
  }

  /** Lets the grantee read the current value and nothing else: GetSecretValue (sid `ReadValue<path>`). */
  grantReadValue(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'ReadValue', resource: this, actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.arn] });
    this.grantKeyUse(grantee, 'ReadValue', false);
  }

  /**
   * Lets the grantee read the value and put one (PutSecretValue). IAM cannot
   * limit this to "once": the host's boot script only puts a value when the
   * secret has none yet.
   */
  grantInitialize(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Initialize', resource: this, actions: SECRET_GRANTS.initialize, resources: [this.secret.arn] });
    this.grantKeyUse(grantee, 'Initialize', true);
  }

  /**
   * Lets the grantee generate the value with Secrets Manager (secretsmanager:GetRandomPassword).
   * IAM offers no resource for that action, so the statement is on "*" (sid
   * `Generate<path>GetRandomPasswordHasNoResourceScope`).
   */
  grantGenerateValue(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Generate', resource: this, suffix: 'GetRandomPasswordHasNoResourceScope', actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] });
  }
}

/** Actions of the Secret's grants. */
export const SECRET_GRANTS = {
  read: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
  initialize: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
  /** The four steps of a rotation Lambda. */
  rotate: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
} as const;

