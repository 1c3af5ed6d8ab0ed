import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { ServiceRole } from '../../modules/iam/role';
import { DatabaseCluster, DatabaseClusterProps } from '../../modules/database';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
const synth = (build: (scope: Construct) => void): Json => JSON.parse(synthFixture(build)) as Json;
const REQUIRED = { backupRetentionDays: 7, deletionProtection: true, logRetentionDays: 30 };
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** VPC, private subnets in `zones` and a DatabaseCluster with id `database`. */
const cluster = (scope: Construct, extra: Partial<DatabaseClusterProps> = {}, zones = ZONES): DatabaseCluster => {
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = zones.map((az, i) => new Subnet(scope, `private_subnet_${i + 1}`, { vpcId: vpc.id, cidrBlock: `10.0.${10 + i}.0/24`, availabilityZone: az }));
  return new DatabaseCluster(scope, 'database', { namePrefix: 'classifyhub-prod', vpc, subnets, ...REQUIRED, ...extra });
};

describe('DatabaseCluster', () => {
  test('a Multi-AZ DB cluster (not Aurora): postgres engine, instance class and io1 storage on the cluster, three zones', () => {
    const json = synth((s) => cluster(s));
    const c = json.resource.aws_rds_cluster.database_cluster;
    expect(c).toMatchObject({
      cluster_identifier: 'classifyhub-prod-postgres',
      engine: 'postgres',
      engine_version: '15',
      db_cluster_instance_class: 'db.m6gd.large',
      storage_type: 'io1',
      allocated_storage: 100,
      iops: 1000,
      storage_encrypted: true,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      performance_insights_enabled: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'classifyhub-prod-postgres-final',
      db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.database_parameter_group.name}',
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
    });
    expect(c.engine_mode).toBeUndefined();
    expect(json.resource.aws_rds_cluster_instance).toBeUndefined(); // RDS creates the three instances itself
    expect(json.resource.aws_db_subnet_group.database_subnet_group.subnet_ids).toHaveLength(3);
    expect(json.resource.aws_rds_cluster_parameter_group.database_parameter_group.parameter).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'rds.force_ssl', value: '1' })]));
    expect(Object.values(json.resource.aws_cloudwatch_log_group).map((g) => g.name).sort()).toEqual(['/aws/rds/cluster/classifyhub-prod-postgres/postgresql', '/aws/rds/cluster/classifyhub-prod-postgres/upgrade']);
  });

  test('writer and reader endpoints, member identifiers; a KMS key encrypts storage, Performance Insights and the secret', () => {
    let db!: DatabaseCluster;
    const json = synth((s) => {
      const key = new KmsKey(s, 'key', { description: 'db' });
      db = cluster(s, { kmsKey: key });
      new TerraformOutput(s, 'writer', { value: db.address });
      new TerraformOutput(s, 'reader', { value: db.readerAddress });
    }) as Json & { output: Record<string, { value: string }> };
    expect(json.output.writer.value).toBe('${aws_rds_cluster.database_cluster.endpoint}');
    expect(json.output.reader.value).toBe('${aws_rds_cluster.database_cluster.reader_endpoint}');
    expect(db.memberIdentifiers).toEqual(['classifyhub-prod-postgres-instance-1', 'classifyhub-prod-postgres-instance-2', 'classifyhub-prod-postgres-instance-3']);
    expect(json.resource.aws_rds_cluster.database_cluster).toMatchObject({ kms_key_id: '${aws_kms_key.key.arn}', performance_insights_kms_key_id: '${aws_kms_key.key.arn}', master_user_secret_kms_key_id: '${aws_kms_key.key.arn}' });
  });

  test('grants: the master secret with kms:Decrypt via Secrets Manager, and rds-db:connect on the cluster resource id', () => {
    const json = synth((s) => {
      const db = cluster(s, { kmsKey: new KmsKey(s, 'key', { description: 'db' }) });
      const role = new ServiceRole(s, 'app', { roleName: 'app', assumedBy: 'ecs-tasks.amazonaws.com', description: 'app' });
      db.masterSecret.grantRead(role);
      db.grantConnect(role, 'app_user');
      db.allowFrom(new SecurityGroup(s, 'app_sg', { name: 'app' }), 'app to PostgreSQL');
    });
    // The policy holds a Terraform expression (replace(...) of the cluster ARN), so it is read as text.
    const policy = String(Object.values(json.resource.aws_iam_role_policy)[0].policy);
    expect(policy).toContain('"Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"${aws_rds_cluster.database_cluster.master_user_secret[0].secret_arn}"');
    expect(policy).toContain('"Action":"kms:Decrypt","Resource":"${aws_kms_key.key.arn}","Condition":{"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}');
    expect(policy).toMatch(/"Action":"rds-db:connect","Resource":"\$\{replace\(aws_rds_cluster\.database_cluster\.arn, .*:cluster:.*dbuser:.*\}\$\{aws_rds_cluster\.database_cluster\.cluster_resource_id\}\/app_user"/);
    expect(Object.values(json.resource.aws_vpc_security_group_ingress_rule)[0]).toMatchObject({ from_port: 5432, to_port: 5432 });
  });

  test('refuses what a Multi-AZ DB cluster cannot be, naming the field and the value', () => {
    expect(() => synth((s) => cluster(s, {}, ['us-east-1a', 'us-east-1b']))).toThrow(/subnets.*us-east-1a.*us-east-1b.*three availability zones/s);
    expect(() => synth((s) => cluster(s, { instanceClass: 'db.t4g.medium' }))).toThrow(/instanceClass.*db\.t4g\.medium/s);
    expect(() => synth((s) => cluster(s, { instanceClass: 'db.m6gd.medium' }))).toThrow(/instanceClass.*medium only for c6gd/s);
    expect(() => synth((s) => cluster(s, { instanceClass: 'db.c6gd.medium' }))).not.toThrow();
    expect(() => synth((s) => cluster(s, { allocatedStorageGiB: 100, iops: 6000 }))).toThrow(/iops.*6000.*between 0\.5 and 50 per GiB/s);
    expect(() => synth((s) => cluster(s, { storageType: 'gp3', allocatedStorageGiB: 20 }))).not.toThrow();
  });
});
