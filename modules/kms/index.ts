import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { renderPolicy } from '../iam/policy';
import { KEY_DEFAULTS } from './defaults';

export { KEY_DEFAULTS } from './defaults';

export interface CustomerManagedKeyProps {
  /** What the key encrypts (console, `description`). */
  readonly description: string;
  /** Alias, "alias/<name>"; the key's Name tag is `<name>`. */
  readonly aliasName: string;
  /** 12-digit account whose IAM policies govern the key (key policy: the account root may administer and use it). */
  readonly accountId: string;
  /**
   * Days a deleted key stays recoverable (7-30; the tier profile's `keyDeletionWindowDays`).
   * @default 30
   */
  readonly deletionWindowDays?: number;
}

/** Validation rules of CustomerManagedKeyProps (merged with KEY_DEFAULTS). */
export const KEY_RULES: readonly PropRule<CustomerManagedKeyProps & typeof KEY_DEFAULTS>[] = [
  { field: 'aliasName', valid: (x) => /^alias\/(?!aws\/)[A-Za-z0-9/_-]{1,250}$/.test(x.aliasName), expected: 'alias/<name> of [A-Za-z0-9/_-], not under alias/aws/' },
  { field: 'accountId', valid: (x) => Token.isUnresolved(x.accountId) || /^\d{12}$/.test(x.accountId), expected: 'a 12-digit AWS account id' },
  { field: 'deletionWindowDays', valid: (x) => Number.isInteger(x.deletionWindowDays) && x.deletionWindowDays >= 7 && x.deletionWindowDays <= 30, expected: 'a whole number from 7 to 30' },
];

/** A key and its alias, as `customerManagedKey` creates them. */
export interface CustomerManagedKey {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
}

/**
 * A customer managed KMS key with yearly rotation, a key policy that leaves access to the
 * account's IAM policies (statement `EnableAccountAdministration`: the account root may use and
 * administer it; grants come from the modules using the key, e.g. a database secret's `grantRead`),
 * and an alias. Created directly in `scope`: `aws_kms_key.<id>` and `aws_kms_alias.<id>_alias`.
 */
export function customerManagedKey(scope: Construct, id: string, props: CustomerManagedKeyProps): CustomerManagedKey {
  const p = withDefaults(KEY_DEFAULTS, props);
  validateProps('customerManagedKey', p, KEY_RULES);
  const key = new KmsKey(scope, id, {
    description: p.description,
    enableKeyRotation: true,
    deletionWindowInDays: p.deletionWindowDays,
    policy: renderPolicy([{ sid: 'EnableAccountAdministration', principals: { AWS: `arn:aws:iam::${p.accountId}:root` }, actions: ['kms:*'], resources: ['*'] }]),
    tags: nameTags(p.aliasName.replace(/^alias\//, '')),
  });
  const alias = new KmsAlias(scope, `${id}_alias`, { name: p.aliasName, targetKeyId: key.keyId });
  return { key, alias };
}
