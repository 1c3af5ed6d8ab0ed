/**
 * What a PostgreSQL instance (`Database`, index.ts) and a Multi-AZ DB cluster (`DatabaseCluster`, cluster.ts)
 * share: the props rules that do not depend on the deployment option, and the resources around the database
 * itself (its security group, its subnet group and the enhanced-monitoring role). Both constructs create these
 * under their own scope with the same construct IDs, so the Terraform addresses are `<id>_security_group`,
 * `<id>_subnet_group` and `<id>_monitoring_role` in either case.
 */
import { Construct, IConstruct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LOG_RETENTION_DAYS, PropRule } from '../core/props';
import { nameTags } from '../core/tags';
import { ServiceRole } from '../iam/role';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';
import { ISecretReference } from '../secret';
import { DATABASE_SETTINGS, MONITORING_INTERVALS_SECONDS } from './defaults';

export const isWhole = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;

/** The monitoring role is named `<identifier>-monitoring` and IAM role names are at most 64 characters. */
export const MAX_IDENTIFIER_LENGTH = 64 - '-monitoring'.length;

/** The props both constructs validate the same way. */
export interface SharedDatabaseView {
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly backupRetentionDays: number;
  readonly performanceInsightsRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  readonly logRetentionDays: number;
}

/** Rules for the names, backups, Performance Insights, monitoring and log retention (`backupNote` ends the backup rule's text). */
export function sharedDatabaseRules<T extends SharedDatabaseView>(backupNote = ''): PropRule<T>[] {
  return [
    { field: 'databaseName', valid: (x) => /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(x.databaseName) && !['postgres', 'template0', 'template1', 'rdsadmin'].includes(x.databaseName), expected: 'a letter, then letters, digits or underscores (at most 63), not postgres/template0/template1/rdsadmin' },
    { field: 'masterUsername', valid: (x) => /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(x.masterUsername) && !/^(rds|pg_)/i.test(x.masterUsername), expected: 'a letter, then letters, digits or underscores (at most 63), not starting with "rds" or "pg_"' },
    { field: 'backupRetentionDays', valid: (x) => isWhole(x.backupRetentionDays, 1, 35), expected: `a whole number from 1 to 35${backupNote}` },
    { field: 'performanceInsightsRetentionDays', valid: (x) => x.performanceInsightsRetentionDays === 7 || x.performanceInsightsRetentionDays === 731 || isWhole(x.performanceInsightsRetentionDays / 31, 1, 23), expected: '7, 31 × months (31 to 713), or 731' },
    { field: 'monitoringIntervalSeconds', valid: (x) => (MONITORING_INTERVALS_SECONDS as readonly number[]).includes(x.monitoringIntervalSeconds), expected: `one of ${MONITORING_INTERVALS_SECONDS.join(', ')}` },
    { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
  ];
}

/** The resources around a database, created in its construct's scope. */
export interface DatabaseSurroundings {
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: DbSubnetGroup;
  readonly monitoringRole: ServiceRole;
  /** RDS checks the role's permissions when enhanced monitoring is turned on: the database waits for these. */
  readonly monitoringPolicyAttachments: IamRolePolicyAttachment[];
}

/** Creates the security group (no ingress until allowFrom), the subnet group and the enhanced-monitoring role. */
export function createDatabaseSurroundings(scope: Construct, identifier: string, vpc: Vpc, subnets: readonly Subnet[]): DatabaseSurroundings {
  const securityGroup = new SecurityGroup(scope, 'security_group', {
    name: identifier,
    description: `PostgreSQL ${identifier}: no ingress until allowFrom(peer)`,
    vpcId: vpc.id,
    tags: nameTags(identifier),
  });
  const subnetGroup = new DbSubnetGroup(scope, 'subnet_group', {
    name: identifier,
    description: `Private subnets of ${identifier}`,
    subnetIds: subnets.map((s) => s.id),
    tags: nameTags(identifier),
  });
  const monitoringRole = new ServiceRole(scope, 'monitoring_role', {
    roleName: `${identifier}-monitoring`,
    assumedBy: DATABASE_SETTINGS.monitoringPrincipal,
    description: `RDS enhanced monitoring of ${identifier}`,
    managedPolicyArns: [DATABASE_SETTINGS.monitoringPolicyArn],
  });
  const monitoringPolicyAttachments = monitoringRole.node.children.filter((c): c is IamRolePolicyAttachment => c instanceof IamRolePolicyAttachment);
  return { securityGroup, subnetGroup, monitoringRole, monitoringPolicyAttachments };
}

/**
 * The master-user secret RDS creates and rotates itself for an instance or a cluster (never in Terraform state). Statement ids:
 * `<verb><database path>MasterSecret`, and `...Key` for kms:Decrypt of its customer managed key.
 */
export class RdsManagedSecret implements ISecretReference {
  constructor(readonly secretArn: string, private readonly database: IConstruct, private readonly key?: KmsKey) {}

  /**
   * Lets the grantee perform `actions` on the secret; with a customer managed key and
   * secretsmanager:GetSecretValue among them, also kms:Decrypt of the key through Secrets Manager only.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    this.grantAs(grantee, actionsVerb(actions), actions);
  }

  /** GetSecretValue and DescribeSecret (sid `Read<database>MasterSecret`). */
  grantRead(grantee: IGrantable): void {
    this.grantAs(grantee, 'Read', ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
  }

  /** GetSecretValue only (sid `ReadValue<database>MasterSecret`): the least a client needs to connect. */
  grantReadValue(grantee: IGrantable): void {
    this.grantAs(grantee, 'ReadValue', ['secretsmanager:GetSecretValue']);
  }

  private grantAs(grantee: IGrantable, verb: string, actions: readonly string[]): void {
    grantStatement(grantee, { verb, resource: this.database, suffix: 'MasterSecret', actions, resources: [this.secretArn] });
    if (this.key && actions.includes('secretsmanager:GetSecretValue')) {
      grantStatement(grantee, {
        verb,
        resource: this.database,
        suffix: 'MasterSecretKey',
        actions: ['kms:Decrypt'],
        resources: [this.key.arn],
        conditions: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
      });
    }
  }
}
