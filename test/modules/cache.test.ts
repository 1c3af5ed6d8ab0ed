import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { CacheCluster, CacheClusterProps } from '../../modules/cache';
import { Secret } from '../../modules/secret';
import { ServiceRole } from '../../modules/iam/role';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = synthFixture;
const parsed = (s: string) => JSON.parse(s) as Json;

const vpcAndSubnets = (scope: Construct, count = 2) => {
  const vpc = new Vpc(scope, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = Array.from({ length: count }, (_, i) => new Subnet(scope, `private_subnet_${i + 1}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${'abc'[i]}` }));
  return { vpc, subnets };
};
const cache = (scope: Construct, extra: Partial<CacheClusterProps> = {}, subnetCount = 2) =>
  new CacheCluster(scope, 'cache', { namePrefix: 'classifyhub-prod', ...vpcAndSubnets(scope, subnetCount), snapshotRetentionDays: 7, logRetentionDays: 30, ...extra });

describe('CacheCluster', () => {
  test('addresses follow the construct id', () => {
    const json = parsed(synth((s) => cache(s)));
    const addresses = Object.entries(json.resource).flatMap(([type, rs]) => Object.keys(rs).map((n) => `${type}.${n}`)).filter((a) => !/vpc\.vpc|private_subnet/.test(a)).sort();
    expect(addresses).toEqual([
      'aws_cloudwatch_log_group.cache_slow_log_group',
      'aws_elasticache_replication_group.cache_replication_group',
      'aws_elasticache_subnet_group.cache_subnet_group',
      'aws_secretsmanager_secret.cache_auth_token_secret',
      'aws_secretsmanager_secret_version.cache_auth_token_value',
      'aws_security_group.cache_security_group',
    ]);
  });

  test('encrypted at rest and in transit, Multi-AZ with failover, snapshots, default parameter group', () => {
    const out = synth((s) => cache(s));
    expect(out).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'classifyhub-prod-redis',
      engine: 'redis',
      engine_version: '7.1',
      node_type: 'cache.t4g.small',
      num_cache_clusters: 2,
      port: 6379,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
      multi_az_enabled: true,
      automatic_failover_enabled: true,
      parameter_group_name: 'default.redis7',
      snapshot_retention_limit: 7,
      snapshot_window: '03:00-04:00',
      maintenance_window: 'sun:05:00-sun:06:00',
      subnet_group_name: '${aws_elasticache_subnet_group.cache_subnet_group.name}',
      security_group_ids: ['${aws_security_group.cache_security_group.id}'],
    });
    const json = parsed(out);
    expect(json.resource.aws_elasticache_subnet_group.cache_subnet_group.subnet_ids).toEqual(['${aws_subnet.private_subnet_1.id}', '${aws_subnet.private_subnet_2.id}']);
    expect(json.resource.aws_security_group.cache_security_group).toMatchObject({ name: 'classifyhub-prod-redis', vpc_id: '${aws_vpc.vpc.id}' });
    // No inline rules and no egress: the group admits only what allowFrom adds.
    expect(json.resource.aws_security_group.cache_security_group.ingress).toBeUndefined();
    expect(json.resource.aws_vpc_security_group_egress_rule).toBeUndefined();
  });

  test('slow log in JSON to a log group with retention', () => {
    const out = synth((s) => cache(s));
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/classifyhub/prod/redis/slow-log', retention_in_days: 30 });
    expect(parsed(out).resource.aws_elasticache_replication_group.cache_replication_group.log_delivery_configuration).toEqual([
      { destination: '${aws_cloudwatch_log_group.cache_slow_log_group.name}', destination_type: 'cloudwatch-logs', log_format: 'json', log_type: 'slow-log' },
    ]);
  });

  test('auth token: uuid() once at creation, ignored afterwards, copied into the secret', () => {
    const json = parsed(synth((s) => cache(s)));
    const rg = json.resource.aws_elasticache_replication_group.cache_replication_group;
    expect(rg.auth_token).toBe('${uuid()}');
    expect(rg.lifecycle).toEqual({ ignore_changes: ['auth_token'] });
    expect(json.resource.aws_secretsmanager_secret.cache_auth_token_secret).toMatchObject({ name: 'classifyhub/prod/redis-auth-token', recovery_window_in_days: 7 });
    expect(json.resource.aws_secretsmanager_secret_version.cache_auth_token_value).toEqual({
      secret_id: '${aws_secretsmanager_secret.cache_auth_token_secret.id}',
      secret_string: '${aws_elasticache_replication_group.cache_replication_group.auth_token}',
    });
  });

  test('authToken grants read of that secret; caller-owned secret gets the value instead of an inner one', () => {
    const json = parsed(synth((s) => {
      const secret = new Secret(s, 'redis_token_secret', { secretName: 'classifyhub/prod/redis-token', description: 'd', recoveryWindowDays: 30 });
      const c = cache(s, { authTokenSecret: secret });
      c.authToken.grantRead(new ServiceRole(s, 'role', { roleName: 'r', assumedBy: 'ecs-tasks.amazonaws.com', description: 'd' }));
    }));
    expect(Object.keys(json.resource.aws_secretsmanager_secret)).toEqual(['redis_token_secret_secret']);
    expect(json.resource.aws_secretsmanager_secret_version.redis_token_secret_value.secret_string).toBe('${aws_elasticache_replication_group.cache_replication_group.auth_token}');
    const grants = JSON.parse(json.resource.aws_iam_role_policy.role_policy.policy);
    expect(grants.Statement[0]).toMatchObject({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '${aws_secretsmanager_secret.redis_token_secret_secret.arn}' });
  });

  test('exposes endpoints, port and member cluster ids for CloudWatch dimensions', () => {
    let c!: CacheCluster;
    synth((s) => { c = cache(s, { replicationGroupId: 'classifyhub-prod-ratelimit', nodeCount: 3 }, 3); });
    expect(c.replicationGroupId).toBe('classifyhub-prod-ratelimit');
    expect(c.memberClusterIds).toEqual(['classifyhub-prod-ratelimit-001', 'classifyhub-prod-ratelimit-002', 'classifyhub-prod-ratelimit-003']);
    expect(c.port).toBe(6379);
    expect(c.primaryEndpointAddress).toMatch(/\$\{TfToken/);
    expect(c.readerEndpointAddress).toMatch(/\$\{TfToken/);
    expect(c.authToken.secretArn).toMatch(/\$\{TfToken/);
  });

  test('one node: no Multi-AZ, no failover; Redis 6 gets its default parameter group', () => {
    const out = synth((s) => cache(s, { nodeCount: 1, engineVersion: '6.2', snapshotRetentionDays: 0, authTokenSecretName: 'x/token', authTokenSecretRecoveryWindowDays: 30 }));
    expect(out).toHaveResourceWithProperties(ElasticacheReplicationGroup, { num_cache_clusters: 1, multi_az_enabled: false, automatic_failover_enabled: false, parameter_group_name: 'default.redis6.x', snapshot_retention_limit: 0 });
    expect(out).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'x/token', recovery_window_in_days: 30 });
  });

  test('allowFrom: ingress on 6379 from the peer, egress on the peer, named after the peer', () => {
    const json = parsed(synth((s) => {
      const c = cache(s);
      const api = new SecurityGroup(s, 'api_security_group', { name: 'api', description: 'api', vpcId: 'vpc-1' });
      const worker = new SecurityGroup(s, 'worker_security_group', { name: 'worker', description: 'worker', vpcId: 'vpc-1' });
      c.allowFrom(api, 'API tasks (cache, rate limits)');
      c.allowFrom(worker, 'Workers', { addPeerEgressRule: false });
    }));
    expect(json.resource.aws_vpc_security_group_ingress_rule).toEqual({
      cache_from_api_security_group_ingress: {
        security_group_id: '${aws_security_group.cache_security_group.id}',
        referenced_security_group_id: '${aws_security_group.api_security_group.id}',
        ip_protocol: 'tcp', from_port: 6379, to_port: 6379, description: 'API tasks (cache, rate limits)',
      },
      cache_from_worker_security_group_ingress: expect.objectContaining({ referenced_security_group_id: '${aws_security_group.worker_security_group.id}', from_port: 6379 }),
    });
    expect(json.resource.aws_vpc_security_group_egress_rule).toEqual({
      cache_from_api_security_group_egress: {
        security_group_id: '${aws_security_group.api_security_group.id}',
        referenced_security_group_id: '${aws_security_group.cache_security_group.id}',
        ip_protocol: 'tcp', from_port: 6379, to_port: 6379, description: 'Redis classifyhub-prod-redis',
      },
    });
  });

  test('allowFrom refuses the same peer twice and descriptions EC2 rejects', () => {
    expect(() => synth((s) => {
      const c = cache(s);
      const api = new SecurityGroup(s, 'api_security_group', { name: 'api', description: 'api', vpcId: 'vpc-1' });
      c.allowFrom(api, 'API');
      c.allowFrom(api, 'API again');
    })).toThrow(/peer: received "api_security_group"; expected a security group not already allowed/);
    expect(() => synth((s) => cache(s).allowFrom(new SecurityGroup(s, 'sg', { name: 'x', description: 'x' }), 'naïve <script>'))).toThrow(/description: received "naïve <script>"/);
  });

  test('validation names the field and the value', () => {
    expect(() => synth((s) => cache(s, { replicationGroupId: 'classifyhub-production-redis-rate-limiter' }))).toThrow(/replicationGroupId: received "classifyhub-production-redis-rate-limiter"; expected at most 40/);
    expect(() => synth((s) => cache(s, { replicationGroupId: 'Redis' }))).toThrow(/replicationGroupId: received "Redis"/);
    expect(() => synth((s) => cache(s, {}, 1))).toThrow(/subnets: received 1; expected at least 2 private subnets/);
    expect(() => synth((s) => cache(s, { nodeCount: 7 }))).toThrow(/nodeCount: received 7; expected a whole number from 1 to 6/);
    expect(() => synth((s) => cache(s, { snapshotRetentionDays: 36 }))).toThrow(/snapshotRetentionDays: received 36; expected a whole number from 0 to 35/);
    expect(() => synth((s) => cache(s, { logRetentionDays: 10 }))).toThrow(/logRetentionDays: received 10; expected one of 1, 3, 5/);
    expect(() => synth((s) => cache(s, { engineVersion: '5.0.6' }))).toThrow(/engineVersion: received "5.0.6"/);
    expect(() => synth((s) => cache(s, { maintenanceWindow: 'sunday 5am' }))).toThrow(/maintenanceWindow: received "sunday 5am"/);
    expect(() => synth((s) => cache(s, {
      authTokenSecret: new Secret(s, 'sec', { secretName: 'a/b', description: 'd' }),
      authTokenSecretName: 'c/d',
    }))).toThrow(/authTokenSecretName: received "c\/d"; expected nothing when authTokenSecret is given/);
  });

  test('a secret takes at most one Terraform value', () => {
    expect(() => synth((s) => {
      const secret = new Secret(s, 'sec', { secretName: 'a/b', description: 'd' });
      secret.setValueFrom('x');
      cache(s, { authTokenSecret: secret });
    })).toThrow(/setValueFrom was already called/);
  });
});
