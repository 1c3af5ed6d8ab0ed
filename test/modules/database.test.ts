import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ReadableStack } from '../../modules/core/stack';
import { ServiceRole } from '../../modules/iam/role';
import { Database, DatabaseProps } from '../../modules/database';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = (build: (scope: Construct) => void): Json => JSON.parse(synthFixture(build)) as Json;

const REQUIRED = { backupRetentionDays: 7, deletionProtection: true, logRetentionDays: 30 };
/** VPC, two private subnets and a Database with id `database`. */
const database = (scope: Construct, extra: Partial<DatabaseProps> = {}, zones = ['us-east-1a', 'us-east-1b']): Database => {
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = zones.map((az, i) => new Subnet(scope, `private_subnet_${i + 1}`, { vpcId: vpc.id, cidrBlock: `10.0.${10 + i}.0/24`, availabilityZone: az }));
  return new Database(scope, 'database', { namePrefix: 'classifyhub-prod', vpc, subnets, ...REQUIRED, ...extra });
};
const primary = (json: Json) => json.resource.aws_db_instance.database_instance;

describe('Database', () => {
  test('construct ids give the documented addresses', () => {
    const json = synth((s) => database(s));
    const addresses = Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
    expect(addresses).toEqual(expect.arrayContaining([
      'aws_db_instance.database_instance',
      'aws_db_subnet_group.database_subnet_group',
      'aws_db_parameter_group.database_parameter_group',
      'aws_security_group.database_security_group',
      'aws_iam_role.database_monitoring_role_role',
      'aws_iam_role_policy_attachment.database_monitoring_role_attach_AmazonRDSEnhancedMonitoringRole',
      'aws_cloudwatch_log_group.database_postgresql_log_group',
      'aws_cloudwatch_log_group.database_upgrade_log_group',
    ]));
    // No ingress until allowFrom, and nothing that puts a password in state.
    expect(json.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
  });

  test('encrypted, private, multi-AZ PostgreSQL 15 on gp3 with storage autoscaling', () => {
    const db = primary(synth((s) => database(s)));
    expect(db).toMatchObject({
      identifier: 'classifyhub-prod-postgres',
      engine: 'postgres',
      engine_version: '15.10',
      instance_class: 'db.t4g.medium',
      allocated_storage: 50,
      max_allocated_storage: 200,
      storage_type: 'gp3',
      storage_encrypted: true,
      multi_az: true,
      publicly_accessible: false,
      port: 5432,
      db_name: 'classifyhub',
      username: 'classifyhub',
      auto_minor_version_upgrade: true,
      copy_tags_to_snapshot: true,
      ca_cert_identifier: 'rds-ca-rsa2048-g1',
      iam_database_authentication_enabled: true,
      backup_retention_period: 7,
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
      monitoring_interval: 60,
      monitoring_role_arn: '${aws_iam_role.database_monitoring_role_role.arn}',
      db_subnet_group_name: '${aws_db_subnet_group.database_subnet_group.name}',
      parameter_group_name: '${aws_db_parameter_group.database_parameter_group.name}',
      vpc_security_group_ids: ['${aws_security_group.database_security_group.id}'],
    });
    // Default aws/rds key: no kms_key_id.
    expect(db.kms_key_id).toBeUndefined();
  });

  test('master password managed by RDS: no password in configuration', () => {
    const db = primary(synth((s) => database(s)));
    expect(db.manage_master_user_password).toBe(true);
    expect(db.password).toBeUndefined();
    expect(db.password_wo).toBeUndefined();
  });

  test('parameter group: family from the major version, TLS forced, slow statements and connections logged', () => {
    const json = synth((s) => database(s));
    const group = json.resource.aws_db_parameter_group.database_parameter_group;
    expect(group).toMatchObject({ family: 'postgres15', name: 'classifyhub-prod-postgres-postgres15', lifecycle: { create_before_destroy: true } });
    expect(group.parameter).toEqual([
      { name: 'log_connections', value: '1', apply_method: 'immediate' },
      { name: 'log_min_duration_statement', value: '1000', apply_method: 'immediate' },
      { name: 'rds.force_ssl', value: '1', apply_method: 'immediate' },
    ]);
    const v16 = synth((s) => database(s, { engineVersion: '16' }));
    expect(v16.resource.aws_db_parameter_group.database_parameter_group.family).toBe('postgres16');
  });

  test('subnet group and security group in the given network', () => {
    const json = synth((s) => database(s));
    expect(json.resource.aws_db_subnet_group.database_subnet_group.subnet_ids).toEqual(['${aws_subnet.private_subnet_1.id}', '${aws_subnet.private_subnet_2.id}']);
    expect(json.resource.aws_security_group.database_security_group).toMatchObject({ vpc_id: '${aws_vpc.vpc.id}', name: 'classifyhub-prod-postgres' });
    expect(json.resource.aws_security_group.database_security_group.ingress).toBeUndefined();
  });

  test('deletion protection: final snapshot kept; without it, no final snapshot', () => {
    const on = primary(synth((s) => database(s, { deletionProtection: true })));
    expect(on).toMatchObject({ deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: 'classifyhub-prod-postgres-final', delete_automated_backups: false });
    const off = primary(synth((s) => database(s, { deletionProtection: false })));
    expect(off).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, delete_automated_backups: true });
    expect(off.final_snapshot_identifier).toBeUndefined();
    expect(off.lifecycle).toBeUndefined();
    const kept = primary(synth((s) => database(s, { preventDestroy: true })));
    expect(kept.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('log groups with retention exist before the instance exports to them', () => {
    const json = synth((s) => database(s, { identifier: 'orders-db' }));
    const groups = json.resource.aws_cloudwatch_log_group;
    expect(groups.database_postgresql_log_group).toMatchObject({ name: '/aws/rds/instance/orders-db/postgresql', retention_in_days: 30 });
    expect(groups.database_upgrade_log_group).toMatchObject({ name: '/aws/rds/instance/orders-db/upgrade', retention_in_days: 30 });
    const db = primary(json);
    expect(db.enabled_cloudwatch_logs_exports).toEqual(['postgresql', 'upgrade']);
    expect(db.depends_on).toEqual(expect.arrayContaining([
      'aws_cloudwatch_log_group.database_postgresql_log_group',
      'aws_cloudwatch_log_group.database_upgrade_log_group',
      'aws_iam_role_policy_attachment.database_monitoring_role_attach_AmazonRDSEnhancedMonitoringRole',
    ]));
  });

  test('enhanced monitoring role assumed by RDS monitoring with the AWS managed policy', () => {
    const json = synth((s) => database(s));
    const role = json.resource.aws_iam_role.database_monitoring_role_role;
    expect(role.name).toBe('classifyhub-prod-postgres-monitoring');
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: 'monitoring.rds.amazonaws.com' });
    expect(json.resource.aws_iam_role_policy_attachment.database_monitoring_role_attach_AmazonRDSEnhancedMonitoringRole.policy_arn)
      .toBe('arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole');
  });

  test('allowFrom opens 5432 to the peer security group only, with the matching egress on the peer', () => {
    const json = synth((s) => {
      const db = database(s);
      const api = new SecurityGroup(s, 'api_security_group', { name: 'api', description: 'api', vpcId: db.securityGroup.vpcId });
      const worker = new SecurityGroup(s, 'worker_security_group', { name: 'worker', description: 'worker', vpcId: db.securityGroup.vpcId });
      db.allowFrom(api, 'PostgreSQL from the API tasks');
      db.allowFrom(worker, 'PostgreSQL from the workers', { addPeerEgressRule: false });
    });
    expect(json.resource.aws_vpc_security_group_ingress_rule.database_from_api_security_group_ingress).toEqual({
      security_group_id: '${aws_security_group.database_security_group.id}',
      referenced_security_group_id: '${aws_security_group.api_security_group.id}',
      description: 'PostgreSQL from the API tasks',
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
    });
    expect(json.resource.aws_vpc_security_group_egress_rule.database_from_api_security_group_egress).toEqual({
      security_group_id: '${aws_security_group.api_security_group.id}',
      referenced_security_group_id: '${aws_security_group.database_security_group.id}',
      description: 'PostgreSQL classifyhub-prod-postgres',
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
    });
    expect(json.resource.aws_vpc_security_group_ingress_rule.database_from_worker_security_group_ingress.from_port).toBe(5432);
    expect(Object.keys(json.resource.aws_vpc_security_group_egress_rule)).toEqual(['database_from_api_security_group_egress']);
  });

  test('read replica: replicates the primary by identifier, shares SG and parameter group, own log groups', () => {
    let replica: { address: string; identifier: string } | undefined;
    let db: Database | undefined;
    const json = synth((s) => {
      db = database(s);
      replica = db.addReadReplica('read_replica', { availabilityZone: 'us-east-1b' });
    });
    expect(replica!.identifier).toBe('classifyhub-prod-postgres-read-replica');
    expect(db!.replicas.map((r) => r.identifier)).toEqual(['classifyhub-prod-postgres-read-replica']);
    const r = json.resource.aws_db_instance.database_read_replica;
    expect(r).toMatchObject({
      identifier: 'classifyhub-prod-postgres-read-replica',
      replicate_source_db: '${aws_db_instance.database_instance.identifier}',
      instance_class: 'db.t4g.medium',
      availability_zone: 'us-east-1b',
      storage_encrypted: true,
      publicly_accessible: false,
      vpc_security_group_ids: ['${aws_security_group.database_security_group.id}'],
      parameter_group_name: '${aws_db_parameter_group.database_parameter_group.name}',
      performance_insights_enabled: true,
      monitoring_interval: 60,
      monitoring_role_arn: '${aws_iam_role.database_monitoring_role_role.arn}',
      backup_retention_period: 0,
      skip_final_snapshot: true,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
    });
    // A replica takes engine, credentials and subnet group from its source.
    for (const key of ['engine', 'engine_version', 'username', 'db_name', 'manage_master_user_password', 'allocated_storage', 'db_subnet_group_name']) {
      expect(r[key]).toBeUndefined();
    }
    expect(json.resource.aws_cloudwatch_log_group.database_read_replica_postgresql_log_group).toMatchObject({ name: '/aws/rds/instance/classifyhub-prod-postgres-read-replica/postgresql', retention_in_days: 30 });
    expect(r.depends_on).toContain('aws_cloudwatch_log_group.database_read_replica_upgrade_log_group');
    const bigger = synth((s) => database(s).addReadReplica('reports_replica', { instanceClass: 'db.r7g.large' }));
    expect(bigger.resource.aws_db_instance.database_reports_replica.instance_class).toBe('db.r7g.large');
  });

  test('masterSecret: ARN from the RDS-managed secret; grantRead renders Get/Describe on it', () => {
    let db: Database | undefined;
    const json = synth((s) => {
      db = database(s);
      const role = new ServiceRole(s, 'api_role', { roleName: 'api', assumedBy: 'ecs-tasks.amazonaws.com', description: 'api' });
      db.masterSecret.grantRead(role);
      db.grantConnect(role, 'api_user');
    });
    // The rds-db ARN is a Terraform replace() expression whose quotes are only valid JSON once Terraform evaluates it.
    const raw: string = json.resource.aws_iam_role_policy.api_role_policy.policy;
    expect(raw).toContain('${replace(aws_db_instance.database_instance.arn, "/^arn:([^:]+):rds:([^:]+):([^:]+):db:.*$/", "arn:$1:rds-db:$2:$3:dbuser:")}${aws_db_instance.database_instance.resource_id}/api_user');
    const policy = JSON.parse(raw.replace(/\$\{replace\([^}]*\)\}/, 'RDS_DB_PREFIX:'));
    expect(policy.Statement[0]).toEqual({
      Sid: 'ReadDatabaseMasterSecret',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: '${aws_db_instance.database_instance.master_user_secret[0].secret_arn}',
    });
    expect(policy.Statement[1]).toMatchObject({ Sid: 'ConnectDatabaseAsApiUser', Action: 'rds-db:connect' });
    expect(policy.Statement[1].Resource).toBe('RDS_DB_PREFIX:${aws_db_instance.database_instance.resource_id}/api_user');
    expect(db!.port).toBe(5432);
    expect(db!.databaseName).toBe('classifyhub');
    expect(db!.masterUsername).toBe('classifyhub');
  });

  test('synthesized resource types', () => {
    const stack = new ReadableStack(Testing.app(), 'types');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    database(stack);
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(DbInstance, { identifier: 'classifyhub-prod-postgres' });
    expect(out).toHaveResourceWithProperties(DbParameterGroup, { family: 'postgres15' });
    expect(out).toHaveResourceWithProperties(DbSubnetGroup, { name: 'classifyhub-prod-postgres' });
    expect(out).toHaveResourceWithProperties(IamRole, { name: 'classifyhub-prod-postgres-monitoring' });
    expect(out).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole' });
    expect(out).not.toHaveResource(VpcSecurityGroupIngressRule);
  });
});

describe('Database validation', () => {
  const fails = (extra: Partial<DatabaseProps>, message: RegExp, zones?: string[]) =>
    expect(() => synth((s) => database(s, extra, zones))).toThrow(message);

  test('backup retention 1-35', () => {
    fails({ backupRetentionDays: 0 }, /backupRetentionDays: received 0; expected a whole number from 1 to 35/);
    fails({ backupRetentionDays: 36 }, /backupRetentionDays: received 36/);
  });
  test('storage sizes', () => {
    fails({ allocatedStorageGiB: 10 }, /allocatedStorageGiB: received 10; expected a whole number from 20 to 65536/);
    fails({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 }, /maxAllocatedStorageGiB: received 50; expected a whole number from allocatedStorageGiB \(100\) to 65536/);
  });
  test('identifier format', () => {
    fails({ identifier: 'Orders' }, /identifier: received "Orders"; expected a lower-case letter/);
    fails({ identifier: 'orders--db' }, /identifier: received "orders--db"/);
    fails({ identifier: 'orders-' }, /identifier: received "orders-"/);
    fails({ identifier: `a${'b'.repeat(55)}` }, /identifier: received "ab+"; expected at most 53 characters/);
  });
  test('at least two subnets in two zones', () => {
    fails({}, /subnets: received \["us-east-1a"\]; expected at least two subnets in at least two availability zones/, ['us-east-1a']);
    fails({}, /subnets: received \["us-east-1a","us-east-1a"\]; expected at least two subnets/, ['us-east-1a', 'us-east-1a']);
  });
  test('engine version gives a parameter group family', () => {
    fails({ engineVersion: '9.6.24' }, /engineVersion: received "9.6.24"; expected a PostgreSQL version/);
    fails({ engineVersion: 'latest' }, /engineVersion: received "latest"/);
  });
  test('log retention, Performance Insights retention, monitoring interval', () => {
    fails({ logRetentionDays: 10 }, /logRetentionDays: received 10; expected one of 1, 3, 5/);
    fails({ performanceInsightsRetentionDays: 30 }, /performanceInsightsRetentionDays: received 30; expected 7, 31 × months/);
    fails({ monitoringIntervalSeconds: 0 }, /monitoringIntervalSeconds: received 0; expected one of 1, 5, 10, 15, 30, 60/);
    expect(() => synth((s) => database(s, { performanceInsightsRetentionDays: 93 }))).not.toThrow();
  });
  test('several problems reported together', () => {
    fails({ backupRetentionDays: 0, instanceClass: 't4g.medium' }, /instanceClass: received "t4g.medium"[\s\S]*backupRetentionDays: received 0/);
  });
  test('replica id and the identifier it produces', () => {
    expect(() => synth((s) => database(s).addReadReplica('Replica'))).toThrow(/Database.addReadReplica: invalid props[\s\S]*id: received "Replica"; expected a snake_case construct id/);
    expect(() => synth((s) => database(s, { identifier: `a${'b'.repeat(50)}` }).addReadReplica('read_replica'))).toThrow(/identifier: received "ab+-read-replica"; expected a replica identifier/);
    expect(() => synth((s) => database(s).addReadReplica('r', { availabilityZone: 'b' }))).toThrow(/availabilityZone: received "b"/);
  });
  test('allowFrom: one rule per peer, EC2-valid description', () => {
    expect(() => synth((s) => {
      const db = database(s);
      const api = new SecurityGroup(s, 'api_security_group', { name: 'api', description: 'api', vpcId: db.securityGroup.vpcId });
      db.allowFrom(api, 'first');
      db.allowFrom(api, 'second');
    })).toThrow(/Database.allowFrom: invalid props[\s\S]*peer: received "api_security_group"; expected a security group not already allowed/);
    expect(() => synth((s) => {
      const db = database(s);
      db.allowFrom(new SecurityGroup(s, 'api_security_group', { name: 'api', description: 'api' }), 'PostgreSQL from the API — tasks');
    })).toThrow(/description: received "PostgreSQL from the API — tasks"/);
  });
  test('grantConnect needs IAM authentication', () => {
    expect(() => synth((s) => {
      const db = database(s, { iamAuthentication: false });
      db.grantConnect(new ServiceRole(s, 'r', { roleName: 'r', assumedBy: 'ecs-tasks.amazonaws.com', description: 'r' }), 'api');
    })).toThrow(/grantConnect needs iamAuthentication/);
  });
});
