import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { Subnet } from '@cdktf/provider-aws/lib/subnet';
import type { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { LOG_RETENTION_DAYS, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { grantStatement } from '../iam/grant';
import { ServiceRole } from '../iam/role';
import { INSTANCE_GROUP_DEFAULTS } from './defaults';

export { INSTANCE_GROUP_DEFAULTS } from './defaults';

export interface InstanceGroupProps {
  /** Names: `<namePrefix>` for the group, template, role (`<namePrefix>-role`) and security group. */
  readonly namePrefix: string;
  readonly vpc: Vpc;
  /** Private subnets the instances go into (one per zone). */
  readonly subnets: readonly Subnet[];
  /** AMI, pinned in the environment file (synth never looks one up). */
  readonly amiId: string;
  /** Boot script (plain text; base64-encoded here). */
  readonly userData: string;
  /** Log group the instance's containers write to (awslogs driver), `/ec2/<namePrefix>`. */
  readonly logRetentionDays: number;
  /** @default 't3.small' */
  readonly instanceType?: string;
  /** @default 1 */
  readonly minSize?: number;
  /** @default 1 */
  readonly maxSize?: number;
  /** @default 30 */
  readonly rootVolumeSizeGiB?: number;
  /** Target groups (type 'instance') the group registers its instances in; health checks then come from the load balancer. @default none */
  readonly targetGroups?: readonly LbTargetGroup[];
}

/**
 * EC2 instances in private subnets run by an Auto Scaling group (`aws_autoscaling_group.<id>_group`, replaced when
 * unhealthy): launch template with IMDSv2 only, encrypted gp3 root volume, no SSH (SSM Session Manager), no public
 * address, HTTPS-only egress, a role with only SSM's managed policy and what other modules grant, and the container
 * log group. Load balancer targets register through `targetGroups`.
 */
export class InstanceGroup extends Construct {
  readonly group: AutoscalingGroup;
  readonly role: ServiceRole;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: InstanceGroupProps) {
    super(scope, id);
    const p = withDefaults(INSTANCE_GROUP_DEFAULTS, props);
    validateProps('InstanceGroup', { ...p, vpc: p.vpc.node.path, subnets: p.subnets.map((s) => s.node.path), targetGroups: (p.targetGroups ?? []).map((t) => t.node.path) }, [
      { field: 'namePrefix', valid: (x) => /^[a-z0-9][a-z0-9-]{0,50}$/.test(x.namePrefix), expected: '1-51 lower-case letters, digits or hyphens' },
      { field: 'subnets', valid: (x) => x.subnets.length >= 1, expected: 'at least one private subnet' },
      { field: 'amiId', valid: (x) => /^ami-[0-9a-f]{8,17}$/.test(x.amiId), expected: 'an AMI id (ami-...)' },
      { field: 'minSize', valid: (x) => Number.isInteger(x.minSize) && x.minSize >= 0 && x.minSize <= x.maxSize, expected: `a whole number from 0 to maxSize (${p.maxSize})` },
      { field: 'rootVolumeSizeGiB', valid: (x) => Number.isInteger(x.rootVolumeSizeGiB) && x.rootVolumeSizeGiB >= 8, expected: 'a whole number >= 8' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
    ]);
    const logGroupName = `/ec2/${p.namePrefix}`;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', { name: logGroupName, retentionInDays: p.logRetentionDays, tags: nameTags(logGroupName) });
    this.role = new ServiceRole(this, 'role', {
      roleName: `${p.namePrefix}-role`,
      assumedBy: 'ec2.amazonaws.com',
      description: `Instances of ${p.namePrefix}`,
      managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    });
    grantStatement(this.role, { verb: 'WriteLogs', resource: this.logGroup, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] });
    const profile = new IamInstanceProfile(this, 'instance_profile', { name: p.namePrefix, role: this.role.roleName });
    this.securityGroup = new SecurityGroup(this, 'security_group', { name: p.namePrefix, description: `Instances of ${p.namePrefix}: no ingress but the load balancer's; HTTPS out`, vpcId: p.vpc.id, tags: nameTags(p.namePrefix) });
    new VpcSecurityGroupEgressRule(this, 'https_egress', { securityGroupId: this.securityGroup.id, description: 'HTTPS to AWS APIs and ECR (NAT gateway, VPC endpoints)', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
    const template = new LaunchTemplate(this, 'launch_template', {
      name: p.namePrefix,
      imageId: p.amiId,
      instanceType: p.instanceType,
      userData: Fn.base64encode(p.userData),
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: p.metadataHopLimit, instanceMetadataTags: 'disabled' },
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', volumeSize: p.rootVolumeSizeGiB, encrypted: 'true', deleteOnTermination: 'true' } }],
      monitoring: { enabled: true },
      tagSpecifications: [{ resourceType: 'instance', tags: nameTags(p.namePrefix) }, { resourceType: 'volume', tags: nameTags(p.namePrefix) }],
      updateDefaultVersion: true,
      tags: nameTags(p.namePrefix),
    });
    this.group = new AutoscalingGroup(this, 'group', {
      name: p.namePrefix,
      minSize: p.minSize,
      maxSize: p.maxSize,
      desiredCapacity: p.minSize,
      vpcZoneIdentifier: p.subnets.map((s) => s.id),
      launchTemplate: { id: template.id, version: '$Latest' },
      targetGroupArns: p.targetGroups?.length ? p.targetGroups.map((t) => t.arn) : undefined,
      healthCheckType: p.targetGroups?.length ? 'ELB' : 'EC2',
      healthCheckGracePeriod: p.healthCheckGracePeriodSeconds,
      instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 0 } },
      tag: [{ key: 'Name', value: p.namePrefix, propagateAtLaunch: true }],
    });
  }
}
