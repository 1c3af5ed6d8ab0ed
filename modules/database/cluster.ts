import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { validateProps, withDefaults, PropRule } from '../core/props';
import { nameTags, pascalCase } from '../core/tags';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';
import { ServiceRole } from '../iam/role';
import { ISecretReference } from '../secret';
import { AllowFromOptions, PeerAccess } from '../core/connections';
import { DATABASE_DEFAULTS, DATABASE_PARAMETERS, DATABASE_SETTINGS } from './defaults';
import { createDatabaseSurroundings, isWhole, MAX_IDENTIFIER_LENGTH, RdsManagedSecret, sharedDatabaseRules } from './base';

/** Instance class families RDS offers for Multi-AZ DB clusters (local NVMe for the write-ahead log); only c6gd has a medium size. */
export const DB_CLUSTER_INSTANCE_FAMILIES = ['m5d', 'm6gd', 'm6id', 'm6idn', 'r5d', 'r6gd', 'r6id', 'r6idn', 'x2iedn', 'c6gd'] as const;

/** Defaults of DatabaseCluster (the identifier defaults to `${namePrefix}-postgres`). */
export const DATABASE_CLUSTER_DEFAULTS = {
  /** PostgreSQL 15, major version only: RDS applies minor upgrades itself. */
  engineVersion: '15',
  /** Graviton, general purpose, local NVMe: the smallest class of the m family Multi-AZ DB clusters support. */
  instanceClass: 'db.m6gd.large',
  /** Storage of each of the three instances: io1, the type every Region offers for Multi-AZ DB clusters. */
  storageType: 'io1' as 'io1' | 'io2' | 'gp3',
  /** GiB per instance (io1 minimum: 100). A Multi-AZ DB cluster has no storage autoscaling: raise it by hand. */
  allocatedStorageGiB: 100,
  /** Provisioned IOPS per instance (io1: 1,000 minimum, 0.5-50 per GiB). */
  iops: 1000,
  /** Database name, master user, Performance Insights, monitoring, IAM auth and destroy protection: as Database's. */
  databaseName: DATABASE_DEFAULTS.databaseName as string,
  masterUsername: DATABASE_DEFAULTS.masterUsername as string,
  performanceInsightsRetentionDays: DATABASE_DEFAULTS.performanceInsightsRetentionDays as number,
  monitoringIntervalSeconds: DATABASE_DEFAULTS.monitoringIntervalSeconds as number,
  iamAuthentication: DATABASE_DEFAULTS.iamAuthentication as boolean,
  preventDestroy: DATABASE_DEFAULTS.preventDestroy as boolean,
};

export interface DatabaseClusterProps {
  /** Prefix of every resource name, e.g. "classifyhub-prod". */
  readonly namePrefix: string;
  /**
   * Cluster identifier (the writer and readers are `<identifier>-instance-1..3`).
   * @default `${namePrefix}-postgres`
   */
  readonly identifier?: string;
  /** VPC of the cluster's security group. */
  readonly vpc: Vpc;
  /** Private subnets of the DB subnet group, in at least three availability zones (one instance per zone). */
  readonly subnets: readonly Subnet[];
  /**
   * PostgreSQL version, "<major>" or "<major>.<minor>"; the cluster parameter group family is `postgres<major>`.
   * @default '15'
   */
  readonly engineVersion?: string;
  /**
   * Class of each of the three instances: a family of DB_CLUSTER_INSTANCE_FAMILIES, e.g. db.m6gd.large.
   * @default 'db.m6gd.large'
   */
  readonly instanceClass?: string;
  /**
   * Storage type of each instance.
   * @default 'io1'
   */
  readonly storageType?: 'io1' | 'io2' | 'gp3';
  /**
   * Storage of each instance, GiB (100-65536 for io1/io2, 20-65536 for gp3). No autoscaling for Multi-AZ DB clusters.
   * @default 100
   */
  readonly allocatedStorageGiB?: number;
  /**
   * Provisioned IOPS of each instance: 1,000 or more, 0.5 to 50 per GiB (io1/io2); for gp3 leave it to the baseline.
   * @default 1000 (io1/io2), none (gp3)
   */
  readonly iops?: number;
  /**
   * Database created with the cluster.
   * @default 'classifyhub'
   */
  readonly databaseName?: string;
  /**
   * Master user; RDS generates its password and keeps it in Secrets Manager (`masterSecret`).
   * @default 'classifyhub'
   */
  readonly masterUsername?: string;
  /** Days automated backups are kept, 1-35. */
  readonly backupRetentionDays: number;
  /** Deletion protection, and a final snapshot `<identifier>-final` on deletion. */
  readonly deletionProtection: boolean;
  /**
   * Refuse `terraform destroy` of the cluster (lifecycle.prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Customer managed KMS key encrypting the storage, Performance Insights and the master-user secret.
   * `masterSecret.grantRead(role)` then also grants kms:Decrypt through Secrets Manager only.
   * @default none - AWS managed keys (aws/rds, aws/secretsmanager)
   */
  readonly kmsKey?: KmsKey;
  /**
   * Performance Insights retention, days: 7, 31 × months (1-23), or 731.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Enhanced monitoring interval, seconds: 1, 5, 10, 15, 30 or 60.
   * @default 60
   */
  readonly monitoringIntervalSeconds?: number;
  /** Retention of the exported PostgreSQL and upgrade logs, days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /**
   * IAM database authentication (`grantConnect`) alongside passwords.
   * @default true
   */
  readonly iamAuthentication?: boolean;
}


const resolveProps = (props: DatabaseClusterProps) => {
  const merged = withDefaults({ ...DATABASE_CLUSTER_DEFAULTS, identifier: `${props.namePrefix}-postgres` }, props);
  // gp3 keeps its baseline IOPS unless the caller provisions more.
  return { ...merged, iops: props.iops ?? (merged.storageType === 'gp3' ? undefined : DATABASE_CLUSTER_DEFAULTS.iops) };
};
/** Longest identifier for which `<identifier>-monitoring` fits IAM's 64-character role names. */

/**
 * RDS for PostgreSQL as a Multi-AZ DB cluster: one writer and two readable
 * standbys in three availability zones, semi-synchronous replication (a commit
 * waits for one standby), a writer endpoint (`address`) and a reader endpoint
 * (`readerAddress`) spreading reads over the standbys. Encrypted (optionally with
 * a customer managed key), private, master password managed by RDS in Secrets
 * Manager, TLS forced by the cluster parameter group, Performance Insights,
 * enhanced monitoring, logs exported to log groups with retention, and a
 * security group with no ingress until `allowFrom(peer)`.
 */
export class DatabaseCluster extends Construct {
  readonly cluster: RdsCluster;
  readonly identifier: string;
  /** PostgreSQL port (5432). */
  readonly port: number = DATABASE_SETTINGS.port;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** Cluster parameter group family, `postgres<major>`. */
  readonly parameterGroupFamily: string;
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: DbSubnetGroup;
  readonly parameterGroup: RdsClusterParameterGroup;
  readonly monitoringRole: ServiceRole;
  /** Log groups of the cluster's exports, by log type ('postgresql', 'upgrade'). */
  readonly logGroups: Readonly<Record<string, CloudwatchLogGroup>>;
  /** The master-user secret RDS manages; `grantRead(role)` lets workloads read it. */
  readonly masterSecret: ISecretReference;
  /** Identifiers RDS gives the three instances (CloudWatch's DBInstanceIdentifier); the writer role moves between them on failover. */
  readonly memberIdentifiers: readonly string[];
  private readonly settings: ReturnType<typeof resolveProps>;
  private readonly access = new PeerAccess(this, 'Database', () => this.securityGroup, DATABASE_SETTINGS.port, () => `PostgreSQL ${this.identifier}`);

  constructor(scope: Construct, id: string, props: DatabaseClusterProps) {
    super(scope, id);
    const p = resolveProps(props);
    const major = /^(\d+)(\.\d+)?$/.exec(p.engineVersion)?.[1];
    const zoneOf = (s: Subnet, i: number): string => (s.availabilityZoneInput !== undefined && !Token.isUnresolved(s.availabilityZoneInput) ? s.availabilityZoneInput : `(zone of subnet ${i + 1} unknown)`);
    const view = { ...p, subnets: p.subnets.map(zoneOf), vpc: undefined, kmsKey: undefined };
    const family = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(p.instanceClass);
    const minStorage = p.storageType === 'gp3' ? 20 : 100;
    const rules: PropRule<typeof view>[] = [
      { field: 'identifier', valid: (x) => /^[a-z][a-z0-9-]{0,62}$/.test(x.identifier) && !x.identifier.includes('--') && !x.identifier.endsWith('-'), expected: 'a lower-case letter, then lower-case letters, digits or hyphens, no "--", not ending with "-"' },
      { field: 'identifier', valid: (x) => x.identifier.length <= MAX_IDENTIFIER_LENGTH, expected: `at most ${MAX_IDENTIFIER_LENGTH} characters, so the monitoring role "<identifier>-monitoring" fits IAM's 64` },
      { field: 'subnets', valid: (x) => new Set(x.subnets).size >= 3, expected: 'subnets in at least three availability zones (a Multi-AZ DB cluster puts one instance in each of three zones)' },
      { field: 'engineVersion', valid: () => major !== undefined && Number(major) >= 13, expected: 'a PostgreSQL version "<major>" or "<major>.<minor>" with major 13 or later (Multi-AZ DB clusters)' },
      {
        field: 'instanceClass',
        valid: () => family !== null && (DB_CLUSTER_INSTANCE_FAMILIES as readonly string[]).includes(family[1]) && (family[2] !== 'medium' || family[1] === 'c6gd'),
        expected: `a Multi-AZ DB cluster class db.<family>.<size> with family ${DB_CLUSTER_INSTANCE_FAMILIES.join(', ')} (medium only for c6gd), e.g. db.m6gd.large`,
      },
      { field: 'storageType', valid: (x) => ['io1', 'io2', 'gp3'].includes(x.storageType), expected: 'io1, io2 or gp3' },
      { field: 'allocatedStorageGiB', valid: (x) => isWhole(x.allocatedStorageGiB, minStorage, 65_536), expected: `a whole number from ${minStorage} to 65536 (${p.storageType})` },
      {
        field: 'iops',
        valid: (x) => (x.iops === undefined ? x.storageType === 'gp3' : isWhole(x.iops, 1000, 256_000) && x.iops >= 0.5 * x.allocatedStorageGiB && x.iops <= 50 * x.allocatedStorageGiB),
        expected: `provisioned IOPS from 1000, between 0.5 and 50 per GiB of allocatedStorageGiB (${p.allocatedStorageGiB})${p.storageType === 'gp3' ? ', or none for the gp3 baseline' : ''}`,
      },
      ...sharedDatabaseRules<typeof view>(),
    ];
    validateProps('DatabaseCluster', view, rules);
    this.settings = p;
    this.identifier = p.identifier;
    this.databaseName = p.databaseName;
    this.masterUsername = p.masterUsername;
    this.parameterGroupFamily = `postgres${major}`;
    this.memberIdentifiers = [1, 2, 3].map((n) => `${p.identifier}-instance-${n}`);

    const surroundings = createDatabaseSurroundings(this, p.identifier, p.vpc, p.subnets);
    ({ securityGroup: this.securityGroup, subnetGroup: this.subnetGroup, monitoringRole: this.monitoringRole } = surroundings);
    const attachments = surroundings.monitoringPolicyAttachments;
    this.parameterGroup = new RdsClusterParameterGroup(this, 'parameter_group', {
      // The family is in the name: a major upgrade creates the new group before the old one goes.
      name: `${p.identifier}-${this.parameterGroupFamily}`,
      family: this.parameterGroupFamily,
      description: `${p.identifier}: TLS only, connection and slow-statement logging`,
      parameter: DATABASE_PARAMETERS.map((x) => ({ name: x.name, value: x.value, applyMethod: x.applyMethod })),
      lifecycle: { createBeforeDestroy: true },
      tags: nameTags(`${p.identifier}-${this.parameterGroupFamily}`),
    });
    const groups: Record<string, CloudwatchLogGroup> = {};
    for (const logType of DATABASE_SETTINGS.logExports) {
      const name = `/aws/rds/cluster/${p.identifier}/${logType}`;
      groups[logType] = new CloudwatchLogGroup(this, `${logType}_log_group`, { name, retentionInDays: p.logRetentionDays, tags: nameTags(name) });
    }
    this.logGroups = groups;

    this.cluster = new RdsCluster(this, 'cluster', {
      clusterIdentifier: p.identifier,
      engine: DATABASE_SETTINGS.engine,
      engineVersion: p.engineVersion,
      dbClusterInstanceClass: p.instanceClass,
      storageType: p.storageType,
      allocatedStorage: p.allocatedStorageGiB,
      iops: p.iops,
      databaseName: p.databaseName,
      masterUsername: p.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: p.kmsKey?.arn,
      port: DATABASE_SETTINGS.port,
      storageEncrypted: true,
      kmsKeyId: p.kmsKey?.arn,
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      dbClusterParameterGroupName: this.parameterGroup.name,
      caCertificateIdentifier: DATABASE_SETTINGS.caCertIdentifier,
      iamDatabaseAuthenticationEnabled: p.iamAuthentication,
      copyTagsToSnapshot: true,
      backupRetentionPeriod: p.backupRetentionDays,
      deleteAutomatedBackups: !p.deletionProtection,
      deletionProtection: p.deletionProtection,
      skipFinalSnapshot: !p.deletionProtection,
      finalSnapshotIdentifier: p.deletionProtection ? `${p.identifier}-final` : undefined,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: p.kmsKey?.arn,
      performanceInsightsRetentionPeriod: p.performanceInsightsRetentionDays,
      monitoringInterval: p.monitoringIntervalSeconds,
      monitoringRoleArn: this.monitoringRole.roleArn,
      enabledCloudwatchLogsExports: [...DATABASE_SETTINGS.logExports],
      dependsOn: [...Object.values(groups), ...attachments],
      lifecycle: p.preventDestroy ? { preventDestroy: true } : undefined,
      tags: nameTags(p.identifier),
    });
    this.masterSecret = new RdsManagedSecret(this.cluster.masterUserSecret.get(0).secretArn, this, p.kmsKey);
  }

  /** DNS name of the writer endpoint (follows a failover to a standby). */
  get address(): string {
    return this.cluster.endpoint;
  }

  /** DNS name of the reader endpoint: the two readable standbys, load-balanced by DNS. */
  get readerAddress(): string {
    return this.cluster.readerEndpoint;
  }

  /** Lets `peer` reach the cluster on TCP 5432 (ingress on the cluster's group, egress on the peer's). */
  allowFrom(peer: SecurityGroup, description: string, options: AllowFromOptions = {}): void {
    this.access.allow(peer, description, options);
  }

  /** Lets the grantee connect as `dbUser` with an IAM authentication token (rds-db:connect on the cluster's resource id). */
  grantConnect(grantee: IGrantable, dbUser: string): void {
    if (!this.settings.iamAuthentication) throw new Error(`DatabaseCluster ${this.node.id}: grantConnect needs iamAuthentication (it is false)`);
    validateProps('DatabaseCluster.grantConnect', { dbUser }, [
      { field: 'dbUser', valid: (x) => /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(x.dbUser), expected: 'a PostgreSQL user name (letters, digits, underscores)' },
    ]);
    const prefix = Fn.replace(this.cluster.arn, '/^arn:([^:]+):rds:([^:]+):([^:]+):cluster:.*$/', 'arn:$1:rds-db:$2:$3:dbuser:');
    grantStatement(grantee, { verb: 'Connect', resource: this, suffix: `As${pascalCase(dbUser)}`, actions: ['rds-db:connect'], resources: [`${prefix}${this.cluster.clusterResourceId}/${dbUser}`] });
  }

  /** Lets the grantee perform `actions` on the cluster (e.g. 'rds:DescribeDBClusters'). */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.cluster.arn] });
  }
}
