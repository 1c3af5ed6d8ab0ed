/**
 * Remote state for the delivery scripts. The location is declared per environment and written into every
 * stack's cdk.tf.json at synth (modules/core/state-backend.ts); the scripts read it from there or from the
 * environment, and `npm run bootstrap` creates it. Nothing is patched into a stack folder.
 */
import type { StateLocation } from '../../modules/core/state-backend';

export {
  defaultStateBucket,
  s3Backend,
  stateLocation,
  type S3BackendConfig,
  type StateEnvironment,
  type StateLocation,
  type StateSettings,
} from '../../modules/core/state-backend';

/** `s3://bucket/<keyPrefix><stack>/terraform.tfstate (region)`, for messages. */
export function describeState(location: StateLocation, stack: string): string {
  return `s3://${location.bucket}/${location.keyPrefix ?? ''}${stack}/terraform.tfstate (${location.region}, ${location.lockTable ? `DynamoDB lock table ${location.lockTable}` : 'S3 lock file'})`;
}

/** The bucket policy of a state bucket: every request must use TLS 1.2 or later. */
export function tlsOnlyBucketPolicy(bucket: string): string {
  const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'DenyTlsBelow12', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
    ],
  });
}
