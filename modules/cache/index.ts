import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { validateProps, withDefaults, LOG_RETENTION_DAYS } from '../core/props';
import { nameTags } from '../core/tags';
import { ISecretReference, Secret } from '../secret';
import { CACHE_DEFAULTS, MAX_NODE_COUNT, REDIS_PORT } from './defaults';
import { AllowFromOptions, PeerAccess } from '../core/connections';

export type { AllowFromOptions };

export interface CacheClusterProps {
  /** Prefix of every resource name, e.g. "classifyhub-prod". */
  readonly namePrefix: string;
  /**
   * Replication group id (also the subnet group and security group name): at most 40
   * lower-case letters, digits and hyphens, starting with a letter, no "--", no trailing "-".
   * @default `${namePrefix}-redis`
   */
  readonly replicationGroupId?: string;
  /**
   * Description of the replication group.
   * @default `Redis of ${namePrefix}`
   */
  readonly description?: string;
  /** VPC of the security group (the subnets must be in it). */
  readonly vpc: Vpc;
  /** Private subnets, at least two, in different zones (the subnet group). */
  readonly subnets: readonly Subnet[];
  /**
   * Node type.
   * @default "cache.t4g.small"
   */
  readonly nodeType?: string;
  /**
   * Redis OSS engine version, major.minor, 6.x or later.
   * @default "7.1"
   */
  readonly engineVersion?: string;
  /**
   * Nodes: one primary plus replicas (1-6). With 2 or more, Multi-AZ and automatic failover are on.
   * @default the number of subnets
   */
  readonly nodeCount?: number;
  /**
   * Cache parameter group name.
   * @default the engine's default group: "default.redis7" for 7.x, "default.redis6.x" for 6.x
   */
  readonly parameterGroupName?: string;
  /** Days automatic daily snapshots are kept (0-35; 0 turns snapshots off). */
  readonly snapshotRetentionDays: number;
  /** Retention of the slow-log group, days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /**
   * Weekly maintenance window, UTC.
   * @default "sun:05:00-sun:06:00"
   */
  readonly maintenanceWindow?: string;
  /**
   * Daily snapshot window, UTC.
   * @default "03:00-04:00"
   */
  readonly snapshotWindow?: string;
  /**
   * Apply modifications at once instead of in the maintenance window.
   * @default false
   */
  readonly applyImmediately?: boolean;
  /**
   * A secret (without a Terraform value yet) to hold the auth token; the construct sets its
   * value. Use it to control the secret's construct ID, name and recovery window.
   * @default a Secret `auth_token` created inside (see authTokenSecretName)
   */
  readonly authTokenSecret?: Secret;
  /**
   * Name of the auth-token secret created inside. Not allowed together with authTokenSecret.
   * @default `${namePrefix with "-" as "/"}/${replicationGroupId without "${namePrefix}-"}-auth-token`,
   *   e.g. "classifyhub/prod/redis-auth-token"
   */
  readonly authTokenSecretName?: string;
  /**
   * Recovery window of the auth-token secret created inside, days (7-30).
   * @default 7
   */
  readonly authTokenSecretRecoveryWindowDays?: number;
}



/**
 * An ElastiCache Redis OSS replication group (cluster mode disabled) in private
 * subnets: encrypted at rest and in transit, AUTH token required, Multi-AZ with
 * automatic failover when it has two or more nodes, daily snapshots, slow log
 * in JSON to CloudWatch Logs, and a security group that admits only the peers
 * given to `allowFrom`. The auth token is generated once by Terraform's
 * `uuid()` and stored in a Secrets Manager secret (`authToken`).
 */
export class CacheCluster extends Construct {
  readonly replicationGroup: ElasticacheReplicationGroup;
  /** The replication group id (plain string, for names and CloudWatch dimensions). */
  readonly replicationGroupId: string;
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: ElasticacheSubnetGroup;
  readonly slowLogGroup: CloudwatchLogGroup;
  /** The secret holding the AUTH token; grant clients `authToken.grantRead(role)`. */
  readonly authToken: ISecretReference;
  /** TCP port of the primary and reader endpoints (TLS). */
  readonly port = REDIS_PORT;
  /**
   * Ids of the member clusters (nodes), `<replicationGroupId>-001` to `-00<nodeCount>`,
   * the CacheClusterId dimension of ElastiCache metrics. Which one is primary changes on failover.
   */
  readonly memberClusterIds: readonly string[];
  private readonly access = new PeerAccess(this, 'CacheCluster', () => this.securityGroup, REDIS_PORT, () => `Redis ${this.replicationGroupId}`);

  constructor(scope: Construct, id: string, props: CacheClusterProps) {
    super(scope, id);
    const p = withDefaults(
      {
        ...CACHE_DEFAULTS,
        replicationGroupId: `${props.namePrefix}-redis`,
        description: `Redis of ${props.namePrefix}`,
        nodeCount: props.subnets.length,
      },
      props,
    );
    validateProps('CacheCluster', { ...p, subnets: p.subnets.length }, [
      {
        field: 'replicationGroupId',
        valid: (x) => /^[a-z][a-z0-9-]{0,39}$/.test(x.replicationGroupId) && !x.replicationGroupId.includes('--') && !x.replicationGroupId.endsWith('-'),
        expected: 'at most 40 lower-case letters, digits or hyphens, starting with a letter, without "--" or a trailing "-"',
      },
      { field: 'subnets', valid: (x) => x.subnets >= 2, expected: 'at least 2 private subnets in different zones (the number of subnets is shown)' },
      { field: 'nodeCount', valid: (x) => Number.isInteger(x.nodeCount) && x.nodeCount >= 1 && x.nodeCount <= MAX_NODE_COUNT, expected: `a whole number from 1 to ${MAX_NODE_COUNT} (one primary and up to ${MAX_NODE_COUNT - 1} replicas)` },
      { field: 'nodeType', valid: (x) => /^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(x.nodeType), expected: 'an ElastiCache node type such as "cache.t4g.small"' },
      { field: 'engineVersion', valid: (x) => /^([6-9]|[1-9]\d)\.(\d+|x)$/.test(x.engineVersion), expected: 'a Redis OSS version 6 or later as major.minor, e.g. "7.1"' },
      { field: 'snapshotRetentionDays', valid: (x) => Number.isInteger(x.snapshotRetentionDays) && x.snapshotRetentionDays >= 0 && x.snapshotRetentionDays <= 35, expected: 'a whole number from 0 to 35' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'maintenanceWindow', valid: (x) => /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/.test(x.maintenanceWindow), expected: 'ddd:hh24:mi-ddd:hh24:mi (UTC), e.g. "sun:05:00-sun:06:00"' },
      { field: 'snapshotWindow', valid: (x) => /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(x.snapshotWindow), expected: 'hh24:mi-hh24:mi (UTC), e.g. "03:00-04:00"' },
      { field: 'authTokenSecretName', valid: (x) => !(x.authTokenSecret && x.authTokenSecretName !== undefined), expected: 'nothing when authTokenSecret is given (that secret has its own name)' },
    ]);

    this.replicationGroupId = p.replicationGroupId;
    const short = p.replicationGroupId.startsWith(`${p.namePrefix}-`) ? p.replicationGroupId.slice(p.namePrefix.length + 1) : p.replicationGroupId;
    const prefixPath = p.namePrefix.replace(/-/g, '/');
    const major = Number(p.engineVersion.split('.')[0]);
    const parameterGroupName = p.parameterGroupName ?? (major >= 7 ? `default.redis${major}` : 'default.redis6.x');

    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: p.replicationGroupId,
      description: `Redis ${p.replicationGroupId}: TLS on ${REDIS_PORT} from allowed peers only`,
      vpcId: p.vpc.id,
      tags: nameTags(p.replicationGroupId),
    });
    this.subnetGroup = new ElasticacheSubnetGroup(this, 'subnet_group', {
      name: p.replicationGroupId,
      description: `Private subnets of Redis ${p.replicationGroupId}`,
      subnetIds: p.subnets.map((s) => s.id),
      tags: nameTags(p.replicationGroupId),
    });
    this.slowLogGroup = new CloudwatchLogGroup(this, 'slow_log_group', {
      name: `/${prefixPath}/${short}/slow-log`,
      retentionInDays: p.logRetentionDays,
    });

    const multiAz = p.nodeCount >= 2;
    this.replicationGroup = new ElasticacheReplicationGroup(this, 'replication_group', {
      replicationGroupId: p.replicationGroupId,
      description: p.description,
      engine: 'redis',
      engineVersion: p.engineVersion,
      nodeType: p.nodeType,
      numCacheClusters: p.nodeCount,
      port: REDIS_PORT,
      parameterGroupName,
      subnetGroupName: this.subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      multiAzEnabled: multiAz,
      automaticFailoverEnabled: multiAz,
      atRestEncryptionEnabled: 'true',
      transitEncryptionEnabled: true,
      // Generated once at creation: uuid() changes on every plan, so the attribute is ignored
      // afterwards and the state keeps the first value (rotation: see README).
      authToken: Fn.uuid(),
      autoMinorVersionUpgrade: 'true',
      snapshotRetentionLimit: p.snapshotRetentionDays,
      snapshotWindow: p.snapshotWindow,
      maintenanceWindow: p.maintenanceWindow,
      applyImmediately: p.applyImmediately,
      logDeliveryConfiguration: [
        { destination: this.slowLogGroup.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' },
      ],
      lifecycle: { ignoreChanges: ['auth_token'] },
      tags: nameTags(p.replicationGroupId),
    });

    const secret =
      p.authTokenSecret ??
      new Secret(this, 'auth_token', {
        secretName: p.authTokenSecretName ?? `${prefixPath}/${short}-auth-token`,
        description: `AUTH token of Redis ${p.replicationGroupId} (generated by Terraform at creation)`,
        recoveryWindowDays: p.authTokenSecretRecoveryWindowDays,
      });
    secret.setValueFrom(this.replicationGroup.authToken);
    this.authToken = secret;

    this.memberClusterIds = Array.from({ length: p.nodeCount }, (_, i) => `${p.replicationGroupId}-${String(i + 1).padStart(3, '0')}`);
  }

  /** Hostname of the primary (read-write) endpoint. */
  get primaryEndpointAddress(): string {
    return this.replicationGroup.primaryEndpointAddress;
  }

  /** Hostname of the reader endpoint (spreads reads over the replicas). */
  get readerEndpointAddress(): string {
    return this.replicationGroup.readerEndpointAddress;
  }

  /**
   * Admits the peer security group on TCP 6379: an ingress rule on the cache's group
   * (`<id>_from_<peer address>_ingress`) and, unless turned off, an egress rule on the
   * peer's group (`<id>_from_<peer address>_egress`). `<peer address>` is the peer's
   * Terraform logical id, e.g. `api_security_group`. Clients also need the token:
   * `authToken.grantRead(role)`.
   */
  allowFrom(peer: SecurityGroup, description: string, options: AllowFromOptions = {}): void {
    this.access.allow(peer, description, options);
  }
}
