import { gunzipSync, gzipSync } from 'zlib';
import { Construct } from 'constructs';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { validateProps, withDefaults, LOG_RETENTION_DAYS } from '../core/props';
import { nameTags } from '../core/tags';
import { escapeTerraformTemplate, unescapeTerraformTemplate } from '../core/template';
import { ServiceRole } from '../iam/role';
import { DOCKER_HOST_DEFAULTS } from './defaults';

/** User data is limited to 16 KiB by EC2. */
export const USER_DATA_LIMIT_BYTES = 16_384;

/**
 * Deterministic gzip of user data: level 9, no file name, mtime 0 and the OS
 * byte fixed to 3 (Unix) whatever platform synthesizes, so the same text gives
 * the same bytes (and no plan diff) on every machine.
 */
export function gzipUserData(text: string): Buffer {
  const out = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  out[9] = 3;
  return out;
}

/**
 * The user data text of a synthesized `aws_instance` (its snake_case config): `user_data` unescaped
 * from Terraform template syntax, or `user_data_base64` decoded and, when gzip-compressed, decompressed.
 */
export function userDataText(instance: { readonly user_data?: unknown; readonly user_data_base64?: unknown }): string {
  if (typeof instance.user_data_base64 === 'string') {
    const raw = Buffer.from(instance.user_data_base64, 'base64');
    return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  }
  return unescapeTerraformTemplate(String(instance.user_data ?? ''));
}

/** Bytes EC2 counts against its limit: the raw text, or the compressed bytes (before base64). */
export function userDataBytes(text: string, encoding: 'text' | 'gzip' = 'text'): number {
  return encoding === 'gzip' ? gzipUserData(text).length : Buffer.byteLength(text);
}

export interface DockerHostProps {
  /** Prefix of every resource name, e.g. "classifyhub-dev". */
  readonly namePrefix: string;
  /** Public subnet the host runs in (its zone also holds the data volume). */
  readonly subnet: Subnet;
  /** Pinned AMI (Amazon Linux 2023). Changing it replaces the instance, never the data volume. */
  readonly amiId: string;
  /**
   * Cloud-init user data, plain text (at most 16 KiB; `${` and `%{` are escaped
   * for Terraform). A change stops and starts the host, which re-applies it.
   */
  readonly userData: string;
  /**
   * "gzip": EC2 gets the user data gzip-compressed (`user_data_base64`; cloud-init
   * recognises gzip and decompresses it), so the 16 KiB limit applies to the
   * compressed bytes. "text": plain `user_data`, readable in plans.
   * @default "text"
   */
  readonly userDataEncoding?: 'text' | 'gzip';
  /** Name of the CloudWatch log group the containers log to (awslogs driver). */
  readonly containerLogGroupName: string;
  /** Retention of the container log group, days. */
  readonly logRetentionDays: number;
  /** Daily snapshots of the data volume kept. */
  readonly backupRetentionDays: number;
  /** Termination protection on the instance, prevent_destroy on the data volume. */
  readonly deletionProtection: boolean;
  /**
   * EC2 instance type.
   * @default "t3.micro"
   */
  readonly instanceType?: string;
  /**
   * Size of the encrypted data volume, GiB.
   * @default 20
   */
  readonly dataVolumeSizeGiB?: number;
  /**
   * Size of the encrypted root volume, GiB.
   * @default 30
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * TCP ports open to the internet.
   * @default [443, 80]
   */
  readonly ingressPorts?: readonly number[];
  /**
   * Description of the ingress rule of a port (what answers there), by port.
   * @default "HTTPS from the internet" for 443, "TCP <port> from the internet" otherwise
   */
  readonly ingressDescriptions?: Readonly<Record<number, string>>;
}

/**
 * One EC2 instance running Docker: IMDSv2 only, encrypted root volume, a
 * separate encrypted EBS data volume with daily snapshots (replacing the
 * instance never loses data), an instance profile with SSM Session Manager
 * (no SSH key, no port 22), an Elastic IP, a security group open only on the
 * given ports, and a CloudWatch log group for its containers.
 */
export class DockerHost extends Construct {
  readonly instance: Instance;
  readonly role: ServiceRole;
  readonly dataVolume: EbsVolume;
  readonly elasticIp: Eip;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    const p = withDefaults(DOCKER_HOST_DEFAULTS, props);
    validateProps('DockerHost', p, [
      { field: 'userDataEncoding', valid: (x) => x.userDataEncoding === undefined || x.userDataEncoding === 'text' || x.userDataEncoding === 'gzip', expected: '"text" or "gzip"' },
      { field: 'userData', valid: () => userDataBytes(p.userData, p.userDataEncoding) <= USER_DATA_LIMIT_BYTES, expected: `at most ${USER_DATA_LIMIT_BYTES} bytes${p.userDataEncoding === 'gzip' ? ' gzip-compressed' : ''} (got ${userDataBytes(p.userData, p.userDataEncoding)})` },
      { field: 'dataVolumeSizeGiB', valid: (x) => Number.isInteger(x.dataVolumeSizeGiB) && x.dataVolumeSizeGiB >= 1 && x.dataVolumeSizeGiB <= 16_384, expected: 'a whole number from 1 to 16384' },
      { field: 'ingressPorts', valid: (x) => x.ingressPorts.every((port) => port !== 22), expected: 'no port 22: shell access goes through SSM Session Manager' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'backupRetentionDays', valid: (x) => Number.isInteger(x.backupRetentionDays) && x.backupRetentionDays >= 1 && x.backupRetentionDays <= 1000, expected: 'a whole number from 1 to 1000' },
    ]);

    this.logGroup = new CloudwatchLogGroup(this, 'container_log_group', {
      name: p.containerLogGroupName,
      retentionInDays: p.logRetentionDays,
    });

    this.role = new ServiceRole(this, 'role', {
      roleName: `${p.namePrefix}-docker-host`,
      assumedBy: 'ec2.amazonaws.com',
      description: `Docker host of ${p.namePrefix}`,
      managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    });
    this.role.addToPolicy({
      sid: 'WriteContainerLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
    });
    const profile = new IamInstanceProfile(this, 'instance_profile', { name: `${p.namePrefix}-docker-host`, role: this.role.roleName });

    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: `${p.namePrefix}-docker-host`,
      description: `Docker host of ${p.namePrefix}: public HTTPS (HTTP redirects)`,
      vpcId: p.subnet.vpcId,
      tags: nameTags(`${p.namePrefix}-docker-host`),
    });
    for (const port of p.ingressPorts) {
      new VpcSecurityGroupIngressRule(this, `ingress_${port}`, {
        securityGroupId: this.securityGroup.id,
        description: props.ingressDescriptions?.[port] ?? (port === 443 ? 'HTTPS from the internet' : `TCP ${port} from the internet`),
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }
    for (const port of p.egressPorts) {
      new VpcSecurityGroupEgressRule(this, `egress_${port}`, {
        securityGroupId: this.securityGroup.id,
        description: port === 443 ? 'HTTPS to AWS APIs, registries and the ACME CA' : 'HTTP to OS package mirrors',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }

    this.instance = new Instance(this, 'instance', {
      ami: p.amiId,
      instanceType: p.instanceType,
      subnetId: p.subnet.id,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: profile.name,
      ...(p.userDataEncoding === 'gzip' ? { userDataBase64: gzipUserData(p.userData).toString('base64') } : { userData: escapeTerraformTemplate(p.userData) }),
      userDataReplaceOnChange: false,
      monitoring: true,
      ebsOptimized: true,
      disableApiTermination: p.deletionProtection,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: p.metadataHopLimit, instanceMetadataTags: 'disabled' },
      rootBlockDevice: { volumeType: 'gp3', volumeSize: p.rootVolumeSizeGiB, encrypted: true, deleteOnTermination: true },
      tags: nameTags(`${p.namePrefix}-docker-host`),
      volumeTags: nameTags(`${p.namePrefix}-docker-host-root`),
    });

    const snapshotTag = `${p.namePrefix}-data`;
    this.dataVolume = new EbsVolume(this, 'data_volume', {
      availabilityZone: p.subnet.availabilityZone,
      size: p.dataVolumeSizeGiB,
      type: 'gp3',
      encrypted: true,
      finalSnapshot: p.deletionProtection,
      tags: nameTags(`${p.namePrefix}-data`, { Snapshot: snapshotTag }),
      lifecycle: p.deletionProtection ? { preventDestroy: true } : undefined,
    });
    new VolumeAttachment(this, 'data_volume_attachment', {
      deviceName: p.dataVolumeDeviceName,
      volumeId: this.dataVolume.id,
      instanceId: this.instance.id,
      stopInstanceBeforeDetaching: true,
    });

    const dlmRole = new ServiceRole(this, 'snapshot_role', {
      roleName: `${p.namePrefix}-data-snapshots`,
      assumedBy: 'dlm.amazonaws.com',
      description: `Daily snapshots of the data volume of ${p.namePrefix}`,
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole'],
    });
    new DlmLifecyclePolicy(this, 'snapshot_policy', {
      description: `${p.namePrefix} data volume daily`,
      executionRoleArn: dlmRole.roleArn,
      state: 'ENABLED',
      policyDetails: {
        resourceTypes: ['VOLUME'],
        targetTags: { Snapshot: snapshotTag },
        schedule: [
          {
            name: 'daily',
            createRule: { interval: 24, intervalUnit: 'HOURS', times: [p.snapshotTimeUtc] },
            retainRule: { count: p.backupRetentionDays },
            copyTags: true,
          },
        ],
      },
    });

    this.elasticIp = new Eip(this, 'elastic_ip', { domain: 'vpc', tags: nameTags(`${p.namePrefix}-docker-host`) });
    new EipAssociation(this, 'elastic_ip_association', { allocationId: this.elasticIp.id, instanceId: this.instance.id });
  }

  get publicIp(): string {
    return this.elasticIp.publicIp;
  }
}
