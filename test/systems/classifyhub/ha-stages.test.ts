/**
 * Stages 12-14 of seed 001: what each adds, per environment, and what a
 * promotion keeps. Synthesized JSON only; terraform.test.ts plans the stacks.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment } from '../../../environments/lib/load';
import type { Environment } from '../../../environments/lib/schema';
import { atStage } from '../../../systems/classifyhub/app';
import type { StageSlug } from '../../../systems/classifyhub/stages';
import { renderEcsGatewayConfig, ecsRateLimitLua } from '../../../systems/classifyhub/ecs/gateway';
import { addresses, synthClassifyHub, SynthJson } from '../../helpers';

type Res = Record<string, any>;
const byType = (json: SynthJson, type: string): Record<string, Res> => (json.resource[type] ?? {}) as Record<string, Res>;
const one = (json: SynthJson, type: string, name: string): Res => {
  const r = byType(json, type)[name];
  if (!r) throw new Error(`${type}.${name} not in the stack; have ${Object.keys(byType(json, type)).join(', ')}`);
  return r;
};
/** The environment as it would be with the Docker host still kept (mid-migration). */
const keepingHost = (env: Environment): Environment => ({ ...env, classifyhub: { ...env.classifyhub, decommissionDockerHost: false } });
const containersOf = (json: SynthJson, service: string): Res[] => JSON.parse(one(json, 'aws_ecs_task_definition', `${service}_task_definition`).container_definitions);

const dev = loadEnvironment('dev');
const prod = loadEnvironment('prod');
const staging = loadEnvironment('staging');
const devAt = (slug: StageSlug, env: Environment = keepingHost(dev)) => synthClassifyHub(atStage(env, slug));

const dev11 = devAt('11-rate-limiting');
const dev12 = devAt('12-high-availability');
const dev13 = devAt('13-observability');
const prod13 = synthClassifyHub(atStage(prod, '13-observability'));
const prod14 = synthClassifyHub(prod);

describe('12-high-availability', () => {
  test('network: public and private subnets in every zone, NAT per tier, S3/DynamoDB gateway and ECR/logs/secrets interface endpoints', () => {
    // Three zones on every tier from stage 12: the Multi-AZ DB cluster puts one instance in each.
    expect(Object.keys(byType(dev12, 'aws_subnet')).sort()).toEqual(['network_private_subnet_1', 'network_private_subnet_2', 'network_private_subnet_3', 'network_public_subnet_1', 'network_public_subnet_2', 'network_public_subnet_3']);
    expect(Object.keys(byType(dev12, 'aws_nat_gateway'))).toEqual(['network_nat_gateway_1']);
    const prod12 = synthClassifyHub(atStage(prod, '12-high-availability'));
    expect(Object.keys(byType(prod12, 'aws_nat_gateway')).sort()).toEqual(['network_nat_gateway_1', 'network_nat_gateway_2', 'network_nat_gateway_3']);
    const endpoints = Object.values(byType(dev12, 'aws_vpc_endpoint')).map((e) => `${e.vpc_endpoint_type}:${e.service_name}`).sort();
    expect(endpoints).toEqual([
      'Gateway:com.amazonaws.us-east-1.dynamodb',
      'Gateway:com.amazonaws.us-east-1.s3',
      'Interface:com.amazonaws.us-east-1.ecr.api',
      'Interface:com.amazonaws.us-east-1.ecr.dkr',
      'Interface:com.amazonaws.us-east-1.logs',
      'Interface:com.amazonaws.us-east-1.secretsmanager',
    ]);
    expect(Object.keys(byType(dev12, 'aws_flow_log'))).toEqual(['network_flow_log']);
  });

  test('ALB: HTTPS with a DNS-validated certificate, HTTP redirect, invalid headers dropped, access logs, deletion protection per tier', () => {
    const lb = one(dev12, 'aws_lb', 'alb_load_balancer');
    expect(lb).toMatchObject({ internal: false, load_balancer_type: 'application', drop_invalid_header_fields: true, enable_deletion_protection: false });
    expect(lb.access_logs.enabled).toBe(true);
    expect(one(synthClassifyHub(atStage(prod, '12-high-availability')), 'aws_lb', 'alb_load_balancer').enable_deletion_protection).toBe(true);
    expect(one(dev12, 'aws_acm_certificate', 'alb_certificate')).toMatchObject({ domain_name: dev.classifyhub.domain.name, validation_method: 'DNS' });
    expect(one(dev12, 'aws_lb_listener', 'alb_http_redirect').default_action[0]).toMatchObject({ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } });
    const https = one(dev12, 'aws_lb_listener', 'alb_https_listener');
    expect(https).toMatchObject({ port: 443, protocol: 'HTTPS' });
    expect(https.ssl_policy).toMatch(/^ELBSecurityPolicy-TLS13-1-2/);
    expect(https.default_action[0]).toMatchObject({ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_app_target_group.arn}' });
  });

  test('ECS Fargate: gateway, frontend, backend, search and worker in private subnets with circuit breaker, autoscaling and one log group each', () => {
    const services = byType(dev12, 'aws_ecs_service');
    expect(Object.keys(services).sort()).toEqual(['api_gateway_service_service', 'backend_service_service', 'frontend_service_service', 'search_service_service', 'worker_service_service']);
    for (const service of Object.values(services)) {
      expect(service).toMatchObject({ launch_type: 'FARGATE', deployment_circuit_breaker: { enable: true, rollback: true } });
      expect(service.network_configuration.assign_public_ip).toBe(false);
      expect(service.network_configuration.subnets).toEqual(['${aws_subnet.network_private_subnet_1.id}', '${aws_subnet.network_private_subnet_2.id}', '${aws_subnet.network_private_subnet_3.id}']);
    }
    expect(services.api_gateway_service_service.load_balancer[0]).toMatchObject({ container_name: 'api-gateway', container_port: 8080 });
    expect(Object.keys(byType(dev12, 'aws_appautoscaling_policy')).sort()).toEqual(['api_gateway_service_cpu_scaling', 'backend_service_cpu_scaling', 'frontend_service_cpu_scaling', 'search_service_cpu_scaling', 'worker_service_cpu_scaling']);
    const logGroups = Object.values(byType(dev12, 'aws_cloudwatch_log_group')).map((g) => `${g.name}:${g.retention_in_days}`);
    for (const svc of ['api-gateway', 'backend', 'frontend', 'search-proxy', 'worker']) expect(logGroups).toContain(`/classifyhub/dev/ecs/${svc}:${dev.profile.logRetentionDays}`);
  });

  test('task definitions use the environment image tags and the Docker host container contract', () => {
    const backend = containersOf(dev12, 'backend_service');
    const app = backend.find((c) => c.name === 'backend')!;
    expect(app.image).toBe(`\${aws_ecr_repository.backend_repository_repository.repository_url}:${dev.classifyhub.images.backend}`);
    const env = Object.fromEntries(app.environment.map((e: Res) => [e.name, e.value]));
    expect(env).toMatchObject({ DATABASE_HOST: '${aws_rds_cluster.database_cluster.endpoint}', DATABASE_READ_HOST: '${aws_rds_cluster.database_cluster.reader_endpoint}', DATABASE_PASSWORD_FILE: '/run/secrets/db_password', JWT_SIGNING_KEY_FILE: '/run/secrets/jwt_signing_key' });
    expect(app.dependsOn).toEqual([{ containerName: 'secrets-init', condition: 'SUCCESS' }]);
    const init = backend.find((c) => c.name === 'secrets-init')!;
    expect(init.secrets.map((s: Res) => s.valueFrom)).toEqual(['${aws_rds_cluster.database_cluster.master_user_secret[0].secret_arn}:password::', '${aws_secretsmanager_secret.cache_auth_token_secret.arn}']);
    const gateway = containersOf(dev12, 'api_gateway_service');
    expect(gateway.map((c) => c.name)).toEqual(['api-gateway']);
    expect(containersOf(dev12, 'search_service').map((c) => c.name)).toEqual(['search-signer']);
    expect(gateway[0].secrets).toEqual([{ name: 'REDIS_AUTH_TOKEN', valueFrom: '${aws_secretsmanager_secret.cache_auth_token_secret.arn}' }]);
  });

  test('RDS PostgreSQL Multi-AZ DB cluster (writer + two readable standbys), encrypted with its KMS key, managed password, force_ssl, Performance Insights; sizes, backups and protection per tier', () => {
    // Issue 15 (1): the seed's primary and readable standby (sync replication) - no DB instance, no asynchronous replica.
    expect(byType(dev12, 'aws_db_instance')).toEqual({});
    const db = one(dev12, 'aws_rds_cluster', 'database_cluster');
    const key = '${aws_kms_key.database_key.arn}';
    expect(db).toMatchObject({
      engine: 'postgres', db_cluster_instance_class: dev.profile.instanceClasses.database, storage_type: 'io1', allocated_storage: 100, iops: 1000,
      storage_encrypted: true, kms_key_id: key, master_user_secret_kms_key_id: key, performance_insights_enabled: true, performance_insights_kms_key_id: key,
      manage_master_user_password: true, iam_database_authentication_enabled: true, backup_retention_period: 3, deletion_protection: false,
      db_subnet_group_name: '${aws_db_subnet_group.database_subnet_group.name}', monitoring_interval: 60,
    });
    expect(db.engine_mode).toBeUndefined(); // not Aurora
    expect(db.master_password).toBeUndefined();
    expect(one(dev12, 'aws_kms_key', 'database_key').enable_key_rotation).toBe(true);
    // One instance per zone: the subnet group spans the three private subnets.
    expect(one(dev12, 'aws_db_subnet_group', 'database_subnet_group').subnet_ids).toEqual([1, 2, 3].map((n) => `\${aws_subnet.network_private_subnet_${n}.id}`));
    expect(one(dev12, 'aws_rds_cluster_parameter_group', 'database_parameter_group')).toMatchObject({ family: 'postgres15' });
    expect(one(dev12, 'aws_rds_cluster_parameter_group', 'database_parameter_group').parameter).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'rds.force_ssl', value: '1' })]));
    const prodDb = one(prod14, 'aws_rds_cluster', 'database_cluster');
    expect(prodDb).toMatchObject({ db_cluster_instance_class: 'db.r6gd.large', allocated_storage: 200, iops: 3000, deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: 'classifyhub-prod-postgres-final', backup_retention_period: 30 });
    expect(prodDb.lifecycle).toEqual({ prevent_destroy: true });
    // Writes to the writer endpoint, reads to the reader endpoint (the standbys), both as outputs.
    const outputs = (dev12.output ?? {}) as Record<string, { value: string }>;
    expect(outputs.database_endpoint.value).toBe('${aws_rds_cluster.database_cluster.endpoint}:5432');
    expect(outputs.database_reader_endpoint.value).toBe('${aws_rds_cluster.database_cluster.reader_endpoint}:5432');
  });

  test('ElastiCache: Multi-AZ with failover, encrypted at rest and in transit, AUTH token kept in Secrets Manager', () => {
    const rg = one(dev12, 'aws_elasticache_replication_group', 'cache_replication_group');
    expect(rg).toMatchObject({ multi_az_enabled: true, automatic_failover_enabled: true, transit_encryption_enabled: true, num_cache_clusters: 3 });
    expect(String(rg.at_rest_encryption_enabled)).toBe('true');
    expect(one(dev12, 'aws_secretsmanager_secret_version', 'cache_auth_token_value').secret_string).toBe('${aws_elasticache_replication_group.cache_replication_group.auth_token}');
  });

  test('OpenSearch in the VPC across the zones, encrypted, node-to-node, HTTPS with TLS 1.2', () => {
    const domain = one(dev12, 'aws_opensearch_domain', 'search_domain');
    expect(domain.cluster_config).toMatchObject({ zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 3 } });
    expect(domain.encrypt_at_rest.enabled).toBe(true);
    expect(domain.node_to_node_encryption.enabled).toBe(true);
    expect(domain.domain_endpoint_options).toMatchObject({ enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-PFS-2023-10' });
    expect(domain.vpc_options.subnet_ids).toHaveLength(3);
  });

  test('security groups: only the ALB faces the internet; data stores admit only their clients', () => {
    const open = Object.entries(byType(dev12, 'aws_vpc_security_group_ingress_rule')).filter(([, r]) => r.cidr_ipv4 === '0.0.0.0/0').map(([n, r]) => `${n}:${r.from_port}`);
    expect(open.sort()).toEqual(['alb_ingress_443_ipv4:443', 'alb_ingress_80_ipv4:80', 'docker_host_ingress_443:443', 'docker_host_ingress_80:80'].sort());
    const dbIngress = Object.values(byType(dev12, 'aws_vpc_security_group_ingress_rule')).filter((r) => r.security_group_id === '${aws_security_group.database_security_group.id}');
    expect(dbIngress.map((r) => r.referenced_security_group_id).sort()).toEqual(['${aws_security_group.backend_service_security_group.id}', '${aws_security_group.docker_host_security_group.id}']);
  });

  test('CloudFront keeps its distribution; the app record becomes geolocation routing to the ALB', () => {
    expect(one(dev12, 'aws_cloudfront_distribution', 'cdn_distribution')).toEqual(one(dev11, 'aws_cloudfront_distribution', 'cdn_distribution'));
    const app = one(dev12, 'aws_route53_record', 'app_record');
    expect(app).toMatchObject({ set_identifier: 'default', geolocation_routing_policy: { country: '*' }, alias: { name: '${aws_lb.alb_load_balancer.dns_name}' } });
  });

  test('the API gateway config on ECS passes nginx -t and its Lua limiter compiles', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-gateway-'));
    const conf = renderEcsGatewayConfig({ vpcCidr: '10.10.0.0/16', frontend: true, search: true, rateLimitPerMinute: 600, redisPort: 6379 })
      .replace('worker_processes auto;', `worker_processes auto;\npid ${dir}/nginx.pid;`)
      // Service Connect names resolve through /etc/hosts in the task; here any name must resolve.
      .replaceAll('http://backend:', 'http://127.0.0.1:')
      .replaceAll('http://frontend:', 'http://127.0.0.1:')
      .replaceAll('http://search:', 'http://127.0.0.1:');
    const modules = ['/usr/lib/nginx/modules/ndk_http_module.so', '/usr/lib/nginx/modules/ngx_http_lua_module.so'].map((m) => `load_module ${m};`).join('\n');
    fs.writeFileSync(`${dir}/nginx.conf`, `${modules}\n${conf}`);
    const log = `${dir}/out.log`;
    const fd = fs.openSync(log, 'w');
    try {
      execFileSync(process.env.NGINX_BIN ?? '/usr/sbin/nginx', ['-t', '-q', '-e', `${dir}/error.log`, '-p', dir, '-c', `${dir}/nginx.conf`], { stdio: ['ignore', fd, fd] });
    } catch (e) {
      throw new Error(`nginx -t failed: ${fs.readFileSync(log, 'utf8')}${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, 'utf8') : ''}`);
    }
    fs.writeFileSync(`${dir}/ratelimit.lua`, ecsRateLimitLua(6379));
    execFileSync('luajit', ['-b', `${dir}/ratelimit.lua`, `${dir}/ratelimit.out`]);
    expect(ecsRateLimitLua(6379)).toContain('ssl = true');
  });
});

describe('13-observability', () => {
  test('one on-call topic with the environment subscriptions, every alarm of the issue wired to it, and a dashboard', () => {
    expect(Object.keys(byType(dev12, 'aws_cloudwatch_metric_alarm'))).toEqual([]);
    expect(Object.values(byType(dev13, 'aws_sns_topic_subscription')).map((s) => s.endpoint)).toEqual(dev.classifyhub.onCallEmails);
    const alarms = byType(dev13, 'aws_cloudwatch_metric_alarm');
    const names = Object.values(alarms).map((a) => a.alarm_name as string).sort();
    for (const expected of [
      'alb-alarms-5xx-rate', 'alb-alarms-p99-latency', 'unhealthy',
      'backend-service-alarms-cpu-high', 'backend-service-alarms-memory-high', 'gateway-service-alarms-cpu-high', 'frontend-service-alarms-memory-high', 'worker-service-alarms-cpu-high',
      'database-alarms-cpu-high', 'database-alarms-free-storage-low', 'database-alarms-connections-high', 'replica-lag',
      'cache-alarms-', 'evictions',
      'search-alarms-cluster-red', 'search-alarms-cluster-yellow', 'search-alarms-free-storage-low', 'search-alarms-jvm-memory-pressure',
      'queue-alarms-dead-letter-messages', 'queue-alarms-oldest-message-age',
    ]) {
      expect([expected, names.some((n) => n.includes(expected))]).toEqual([expected, true]);
    }
    for (const alarm of Object.values(alarms)) expect(alarm.alarm_actions).toEqual(['${aws_sns_topic.oncall_topic_topic.arn}']);
    expect(Object.keys(byType(dev13, 'aws_cloudwatch_dashboard'))).toEqual(['dashboard_dashboard']);
  });
});

describe('14-multi-region', () => {
  test('three regions, each with its own provider alias and a complete regional stack', () => {
    const aliases = (prod14.provider.aws as Res[]).map((p) => `${p.alias ?? '(default)'}:${p.region}`).sort();
    expect(aliases).toEqual(['(default):us-east-1', 'ap_southeast_1:ap-southeast-1', 'eu_west_1:eu-west-1', 'us_east_1:us-east-1']);
    for (const key of ['eu_west_1', 'ap_southeast_1']) {
      for (const [type, name] of [
        ['aws_lb', 'alb_load_balancer'], ['aws_ecs_cluster', 'ecs_cluster_cluster'], ['aws_rds_cluster', 'database_cluster'], ['aws_kms_key', 'database_key'],
        ['aws_elasticache_replication_group', 'cache_replication_group'], ['aws_opensearch_domain', 'search_domain'], ['aws_acm_certificate', 'alb_certificate'],
        ['aws_sns_topic', 'oncall_topic_topic'], ['aws_cloudwatch_dashboard', 'dashboard_dashboard'], ['aws_vpc', 'network_vpc'],
      ]) {
        expect(one(prod14, type, `${key}_${name}`).provider).toBe(`aws.${key}`);
      }
    }
    // Everything of the first region uses the default provider, and CloudFront's certificate the us-east-1 alias.
    expect(one(prod14, 'aws_lb', 'alb_load_balancer').provider).toBeUndefined();
    expect(one(prod14, 'aws_acm_certificate', 'cdn_certificate').provider).toBe('aws.us_east_1');
    expect(Object.keys(byType(prod14, 'aws_cloudfront_distribution'))).toEqual(['cdn_distribution']);
  });

  test('Route 53 geolocation: NA, EU and AS each to its region, default to the first, each tied to its ALB health check', () => {
    const records = byType(prod14, 'aws_route53_record');
    const geo = Object.entries(records).filter(([, r]) => r.geolocation_routing_policy).map(([n, r]) => `${n}:${r.geolocation_routing_policy.continent ?? r.geolocation_routing_policy.country}:${r.health_check_id}`).sort();
    expect(geo).toEqual([
      'app_ap_southeast_1_record:AS:${aws_route53_health_check.app_ap_southeast_1_health_check.id}',
      'app_eu_west_1_record:EU:${aws_route53_health_check.app_eu_west_1_health_check.id}',
      'app_record:*:${aws_route53_health_check.app_us_east_1_health_check.id}',
      'app_us_east_1_record:NA:${aws_route53_health_check.app_us_east_1_health_check.id}',
    ]);
    expect(one(prod14, 'aws_route53_health_check', 'app_eu_west_1_health_check')).toMatchObject({ type: 'HTTPS', resource_path: '/healthz', fqdn: '${aws_lb.eu_west_1_alb_load_balancer.dns_name}' });
  });

  test('ECR replicates the environment region to the others', () => {
    const rule = one(prod14, 'aws_ecr_replication_configuration', 'ecr_replication').replication_configuration.rule[0];
    expect(rule.destination.map((d: Res) => d.region)).toEqual(['eu-west-1', 'ap-southeast-1']);
  });
});

describe('promotion keeps addresses and configuration', () => {
  const changed = (from: SynthJson, to: SynthJson): string[] =>
    addresses(from).filter((a) => {
      const [type, name] = a.split('.');
      return JSON.stringify(to.resource[type]?.[name]) !== JSON.stringify(from.resource[type][name]);
    });

  test('11 -> 12 (host kept): every address stays; the host, its volume, bucket, queue, secrets and CDN are unchanged', () => {
    const gone = addresses(dev11).filter((a) => !addresses(dev12).includes(a));
    expect(gone).toEqual([]);
    // Only the app record changes: from the host's address to geolocation routing (replaced once, in the migration window).
    expect(changed(dev11, dev12)).toEqual(['aws_route53_record.app_record']);
  });

  test('12 -> 13 only adds, apart from the backend learning its metrics namespace (new task revision, PutMetricData grant)', () => {
    expect(changed(dev12, dev13)).toEqual(['aws_ecs_task_definition.backend_service_task_definition', 'aws_iam_role_policy.backend_service_task_role_policy']);
  });

  test('13 -> 14 changes nothing in the first region', () => {
    expect(changed(prod13, prod14)).toEqual([]);
  });

  test('decommissioning the Docker host removes exactly its resources', () => {
    const kept = synthClassifyHub(keepingHost(prod));
    const removed = addresses(kept).filter((a) => !addresses(prod14).includes(a));
    expect(removed.length).toBeGreaterThan(10);
    // The host and the secrets only its PostgreSQL used (nothing else refers to them).
    for (const a of removed) expect(a).toMatch(/\.(docker_host_|database_from_docker_host|database_ingress_from_docker_host|db_password_secret_|replication_password_secret_)/);
    expect(removed).toEqual(expect.arrayContaining(['aws_secretsmanager_secret.db_password_secret_secret', 'aws_secretsmanager_secret.replication_password_secret_secret']));
    expect(addresses(prod14).filter((a) => !addresses(kept).includes(a))).toEqual([]);
  });
});

describe('environments', () => {
  test('prod runs 14, staging a lower stage', () => {
    expect(prod.classifyhub.stage).toBe('14-multi-region');
    expect(Number(staging.classifyhub.stage.slice(0, 2))).toBeLessThan(14);
  });
});
