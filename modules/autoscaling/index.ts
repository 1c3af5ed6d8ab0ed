import { Construct } from 'constructs';
import { Fn, Lazy, Token } from 'cdktf';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LOG_RETENTION_DAYS, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { grantStatement } from '../iam/grant';
import { ServiceRole } from '../iam/role';
import { AUTOSCALING_DEFAULTS, AUTOSCALING_SETTINGS } from './defaults';

export { AUTOSCALING_DEFAULTS, AUTOSCALING_SETTINGS } from './defaults';

export interface AutoScalingGroupProps {
  /** Name of the group, its launch template, security group and role (`<namePrefix>-instance`); 1-50 of [a-z0-9-]. */
  readonly namePrefix: string;
  /** VPC of the security group. */
  readonly vpc: Vpc;
  /** Private subnets the instances run in: at least 2, in different availability zones. */
  readonly subnets: readonly Subnet[];
  /** AMI id (pinned in the environment file: synth never looks one up). */
  readonly amiId: string;
  /** EC2 instance type, e.g. "t3.small". */
  readonly instanceType: string;
  /** Fewest instances (>= 1). */
  readonly minSize: number;
  /** Most instances (>= minSize). Equal to minSize: a fixed-size group (e.g. exactly one instance, replaced when unhealthy) without a scaling policy. */
  readonly maxSize: number;
  /**
   * Shell script run at first boot (plain text; the module base64-encodes it). A change creates a
   * new launch template version, which starts an instance refresh.
   * @default none
   */
  readonly userData?: string;
  /**
   * Target groups (target type 'instance') the instances register with; the group then uses the
   * load balancer's health checks (health_check_type ELB).
   * @default none - EC2 status checks only
   */
  readonly targetGroups?: readonly LbTargetGroup[];
  /**
   * Seconds after launch before health checks count.
   * @default 300
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Target tracking: keep the group's average CPU at this percentage (1-100). Only when maxSize > minSize.
   * @default 50
   */
  readonly targetCpuPercent?: number;
  /**
   * Instance refresh: percentage of the group kept healthy while instances are replaced (0-100).
   * @default 50
   */
  readonly refreshMinHealthyPercent?: number;
  /**
   * Instance refresh and scaling: seconds a new instance warms up before it counts.
   * @default 300
   */
  readonly instanceWarmupSeconds?: number;
  /**
   * Roll back a failed instance refresh to the previous launch template version.
   * @default true
   */
  readonly autoRollback?: boolean;
  /**
   * Root volume size, GiB (gp3, encrypted with the account's EBS key).
   * @default 20
   */
  readonly rootVolumeGiB?: number;
  /**
   * Root device name of the AMI.
   * @default '/dev/xvda' (Amazon Linux 2023)
   */
  readonly rootDeviceName?: string;
  /**
   * Egress rule for HTTPS (443) to anywhere: image pulls from ECR, Session Manager, AWS APIs.
   * @default true
   */
  readonly allowHttpsEgress?: boolean;
  /**
   * Hop limit of the instance metadata service (IMDSv2 either way). 1: containers on a Docker bridge
   * network cannot reach the instance's credentials. 2: they can; only for a container that must act
   * as the instance role (e.g. write to S3 with it).
   * @default 1
   */
  readonly metadataHopLimit?: 1 | 2;
  /**
   * Retention (days, a value CloudWatch Logs accepts) of a log group `/ec2/<namePrefix>` for the
   * instances' containers (Docker awslogs driver); the instance role may write to it.
   * @default none - no log group
   */
  readonly logRetentionDays?: number;
  /**
   * AWS-managed policies attached to the instance role.
   * @default ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'] (Session Manager, no SSH)
   */
  readonly managedPolicyArns?: readonly string[];
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?$/;

/**
 * An EC2 Auto Scaling group behind a launch template, after terraform-aws-modules/autoscaling:
 * IMDSv2 required with a hop limit of 1, detailed monitoring, encrypted gp3 root volume, no
 * public IP, no key pair (Session Manager); an instance role (`role`, for other modules' grants)
 * and a security group with no ingress (load balancers add theirs) and HTTPS egress; a rolling
 * instance refresh (minimum healthy 50 %, warm-up, auto-rollback) whenever the launch template
 * changes (new AMI, new image tag in the user data); target tracking on average CPU (unless
 * minSize = maxSize); group metrics every minute; optionally a log group `/ec2/<namePrefix>` the
 * instances may write to. `desired_capacity` is left to the scaling policy after creation.
 */
export class AutoScalingGroup extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;
  readonly securityGroup: SecurityGroup;
  readonly role: ServiceRole;
  readonly instanceProfile: IamInstanceProfile;
  /** Target tracking on average CPU; undefined for a fixed-size group (minSize = maxSize). */
  readonly scalingPolicy?: AutoscalingPolicy;
  /** `/ec2/<namePrefix>`, when `logRetentionDays` is set. */
  readonly logGroup?: CloudwatchLogGroup;
  readonly groupName: string;
  readonly minSize: number;
  private readonly targetGroupList: LbTargetGroup[] = [];

  constructor(scope: Construct, id: string, props: AutoScalingGroupProps) {
    super(scope, id);
    const p = withDefaults(AUTOSCALING_DEFAULTS, props);
    const view = { ...p, vpc: p.vpc.node.path, subnets: p.subnets.map((s) => s.node.path), targetGroups: p.targetGroups?.map((t) => t.node.path) };
    const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
    validateProps('AutoScalingGroup', view, [
      { field: 'namePrefix', valid: (x) => NAME.test(x.namePrefix), expected: '1-50 lower-case letters, digits or hyphens, no hyphen at either end' },
      { field: 'subnets', valid: (x) => x.subnets.length >= 2 && new Set(x.subnets).size === x.subnets.length, expected: 'at least 2 distinct subnets (one per availability zone)' },
      { field: 'amiId', valid: (x) => Token.isUnresolved(x.amiId) || /^ami-[0-9a-f]{8,17}$/.test(x.amiId), expected: 'an AMI id such as ami-0123456789abcdef0' },
      { field: 'instanceType', valid: (x) => /^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(x.instanceType), expected: 'an EC2 instance type such as t3.small' },
      { field: 'minSize', valid: (x) => whole(x.minSize, 1, 1000), expected: 'a whole number from 1 to 1000' },
      { field: 'maxSize', valid: (x) => whole(x.maxSize, 1, 1000) && x.maxSize >= x.minSize, expected: `a whole number from minSize (${p.minSize}) to 1000` },
      { field: 'healthCheckGracePeriodSeconds', valid: (x) => whole(x.healthCheckGracePeriodSeconds, 0, 7200), expected: 'a whole number from 0 to 7200' },
      { field: 'targetCpuPercent', valid: (x) => x.targetCpuPercent > 0 && x.targetCpuPercent <= 100, expected: 'a percentage above 0, at most 100' },
      { field: 'refreshMinHealthyPercent', valid: (x) => whole(x.refreshMinHealthyPercent, 0, 100), expected: 'a whole number from 0 to 100' },
      { field: 'instanceWarmupSeconds', valid: (x) => whole(x.instanceWarmupSeconds, 0, 3600), expected: 'a whole number from 0 to 3600' },
      { field: 'rootVolumeGiB', valid: (x) => whole(x.rootVolumeGiB, 8, 16384), expected: 'a whole number of GiB from 8 to 16384' },
      { field: 'metadataHopLimit', valid: (x) => x.metadataHopLimit === 1 || x.metadataHopLimit === 2, expected: '1 or 2' },
      { field: 'logRetentionDays', valid: (x) => x.logRetentionDays === undefined || (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'userData', valid: (x) => x.userData === undefined || Buffer.byteLength(x.userData) <= 12_000, expected: 'at most 12000 bytes (16 KB once base64-encoded)' },
    ]);
    this.groupName = p.namePrefix;
    this.minSize = p.minSize;

    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: p.namePrefix,
      description: `Instances of ${p.namePrefix}: ingress from their load balancer only`,
      vpcId: p.vpc.id,
      tags: nameTags(p.namePrefix),
    });
    if (p.allowHttpsEgress) {
      new VpcSecurityGroupEgressRule(this, 'https_egress', {
        securityGroupId: this.securityGroup.id,
        description: 'HTTPS to ECR, Session Manager and AWS APIs (NAT gateway, VPC endpoints)',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '0.0.0.0/0',
      });
    }
    this.role = new ServiceRole(this, 'role', {
      roleName: `${p.namePrefix}-instance`,
      assumedBy: 'ec2.amazonaws.com',
      description: `Instances of the Auto Scaling group ${p.namePrefix}`,
      managedPolicyArns: p.managedPolicyArns,
    });
    if (p.logRetentionDays !== undefined) {
      const logGroupName = `/ec2/${p.namePrefix}`;
      this.logGroup = new CloudwatchLogGroup(this, 'log_group', { name: logGroupName, retentionInDays: p.logRetentionDays, tags: nameTags(logGroupName) });
      grantStatement(this.role, { verb: 'WriteLogs', resource: this.logGroup, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] });
    }
    this.instanceProfile = new IamInstanceProfile(this, 'instance_profile', { name: `${p.namePrefix}-instance`, role: this.role.roleName });

    this.launchTemplate = new LaunchTemplate(this, 'launch_template', {
      name: p.namePrefix,
      description: `Launch template of ${p.namePrefix}`,
      imageId: p.amiId,
      instanceType: p.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: this.instanceProfile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      userData: p.userData !== undefined ? Fn.base64encode(p.userData) : undefined,
      metadataOptions: {
        httpEndpoint: AUTOSCALING_SETTINGS.metadata.httpEndpoint,
        httpTokens: AUTOSCALING_SETTINGS.metadata.httpTokens,
        httpPutResponseHopLimit: p.metadataHopLimit,
        instanceMetadataTags: AUTOSCALING_SETTINGS.metadata.instanceMetadataTags,
      },
      monitoring: { enabled: true },
      ebsOptimized: 'true',
      blockDeviceMappings: [{ deviceName: p.rootDeviceName, ebs: { volumeSize: p.rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
      tagSpecifications: [
        { resourceType: 'instance', tags: nameTags(p.namePrefix) },
        { resourceType: 'volume', tags: nameTags(p.namePrefix) },
      ],
      tags: nameTags(p.namePrefix),
    });

    this.targetGroupList.push(...(p.targetGroups ?? []));
    // Lazy: a load balancer's addTarget needs this group's security group, so target groups may come after.
    const hasTargets = () => this.targetGroupList.length > 0;
    this.group = new AutoscalingGroup(this, 'group', {
      name: p.namePrefix,
      minSize: p.minSize,
      maxSize: p.maxSize,
      desiredCapacity: p.minSize,
      vpcZoneIdentifier: p.subnets.map((s) => s.id),
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      targetGroupArns: Lazy.listValue({ produce: () => (hasTargets() ? this.targetGroupList.map((t) => t.arn) : undefined) }),
      healthCheckType: Lazy.stringValue({ produce: () => (hasTargets() ? 'ELB' : 'EC2') }),
      healthCheckGracePeriod: p.healthCheckGracePeriodSeconds,
      defaultInstanceWarmup: p.instanceWarmupSeconds,
      enabledMetrics: [...AUTOSCALING_SETTINGS.enabledMetrics],
      metricsGranularity: AUTOSCALING_SETTINGS.metricsGranularity,
      instanceRefresh: {
        strategy: 'Rolling',
        preferences: {
          minHealthyPercentage: p.refreshMinHealthyPercent,
          instanceWarmup: String(p.instanceWarmupSeconds),
          autoRollback: p.autoRollback,
          skipMatching: false,
        },
      },
      tag: [{ key: 'Name', value: p.namePrefix, propagateAtLaunch: true }],
      // The scaling policy owns the desired capacity once the group exists.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
    });

    if (p.maxSize === p.minSize) return; // fixed size: nothing to scale
    this.scalingPolicy = new AutoscalingPolicy(this, 'cpu_target_tracking', {
      name: `${p.namePrefix}-cpu-${p.targetCpuPercent}`,
      autoscalingGroupName: this.group.name,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: p.instanceWarmupSeconds,
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: p.targetCpuPercent,
      },
    });
  }

  /**
   * Registers the instances with a target group (target type 'instance'), e.g. the one
   * `LoadBalancer.addTarget(id, { targetSecurityGroup: asg.securityGroup, targetType: 'instance' })`
   * returns; the group then uses the load balancer's health checks.
   */
  addTargetGroup(targetGroup: LbTargetGroup): void {
    if (this.targetGroupList.includes(targetGroup)) throw new Error(`AutoScalingGroup ${this.node.path}: target group ${targetGroup.node.path} is already attached`);
    this.targetGroupList.push(targetGroup);
  }
}
