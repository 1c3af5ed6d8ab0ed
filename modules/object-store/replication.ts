import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { validateProps } from '../core/props';
import { grantStatement } from '../iam/grant';
import { ServiceRole } from '../iam/role';
import type { Bucket } from './index';

export interface BucketReplicationProps {
  /** Bucket whose new objects are copied (versioned, as every Bucket is). */
  readonly source: Bucket;
  /** Bucket receiving the copies (another region for disaster recovery; versioned). */
  readonly destination: Bucket;
  /** Name of S3's replication role. */
  readonly roleName: string;
  /**
   * Replication Time Control: 99.99 % of objects within 15 minutes, with replication metrics and events.
   * @default true
   */
  readonly replicationTimeControl?: boolean;
  /** Replicate delete markers too. @default false - a delete in the source region does not reach the copy */
  readonly replicateDeleteMarkers?: boolean;
  /** Provider of the source bucket's region, when not the scope's default. @default the scope's */
  readonly provider?: TerraformProvider;
}

/**
 * S3 replication of every new object of `source` into `destination`
 * (`aws_s3_bucket_replication_configuration.<id>_replication`), with Replication Time Control and its metrics, and
 * S3's role allowed exactly: read the source's versions, replicate into the destination.
 */
export class BucketReplication extends Construct {
  readonly role: ServiceRole;
  readonly configuration: S3BucketReplicationConfigurationA;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    validateProps('BucketReplication', { roleName: props.roleName }, [{ field: 'roleName', valid: (x) => /^[\w+=,.@-]{1,64}$/.test(x.roleName), expected: '1-64 characters of [A-Za-z0-9+=,.@_-]' }]);
    const rtc = props.replicationTimeControl ?? true;
    this.role = new ServiceRole(this, 'role', { roleName: props.roleName, assumedBy: 's3.amazonaws.com', description: `S3 replication ${props.source.node.id} -> ${props.destination.node.id}` });
    grantStatement(this.role, { verb: 'ReadReplicationConfig', resource: props.source, actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [props.source.bucketArn] });
    grantStatement(this.role, { verb: 'ReadVersions', resource: props.source, actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], resources: [props.source.arnForObjects()] });
    grantStatement(this.role, { verb: 'ReplicateInto', resource: props.destination, actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], resources: [props.destination.arnForObjects()] });
    this.configuration = new S3BucketReplicationConfigurationA(this, 'replication', {
      provider: props.provider,
      bucket: props.source.bucket.id,
      role: this.role.roleArn,
      rule: [
        {
          id: 'replicate-everything',
          status: 'Enabled',
          priority: 1,
          filter: { prefix: '' },
          deleteMarkerReplication: { status: props.replicateDeleteMarkers ? 'Enabled' : 'Disabled' },
          destination: {
            bucket: props.destination.bucketArn,
            storageClass: 'STANDARD',
            ...(rtc ? { replicationTime: { status: 'Enabled', time: { minutes: 15 } }, metrics: { status: 'Enabled', eventThreshold: { minutes: 15 } } } : {}),
          },
        },
      ],
      dependsOn: [this.role.node.findChild('policy') as never],
    });
  }
}
