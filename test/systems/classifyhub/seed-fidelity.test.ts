/**
 * Issue 15: ClassifyHub as seed 001 draws it - the database of stage 12 as a
 * Multi-AZ DB cluster whose standbys serve the reads (1), application metrics from
 * stage 13 (5), no leftovers of the Docker host and honest suppressions (6),
 * images of every region servable through the CDN at stage 14 (2).
 */
import { App, Testing } from 'cdktf';
import { loadEnvironment } from '../../../environments/lib/load';
import type { Environment } from '../../../environments/lib/schema';
import { addClassifyHubStacks, atStage } from '../../../systems/classifyhub/app';
import { classifyHubNames } from '../../../systems/classifyhub/names';
import { Guardrails } from '../../../modules/guardrails';
import { addresses, hostFilesOf, SynthJson } from '../../helpers';

type Res = Record<string, any>;
const byType = (json: SynthJson, type: string): Record<string, Res> => (json.resource[type] ?? {}) as Record<string, Res>;
const keepingHost = (env: Environment): Environment => ({ ...env, classifyhub: { ...env.classifyhub, decommissionDockerHost: false } });
const synth = (env: Environment) => {
  const app = Testing.app();
  const [stack] = addClassifyHubStacks(app as App, [env]);
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;
  return { json, report: Guardrails.of(stack)!.report() };
};
const policyOf = (json: SynthJson, role: string) => JSON.parse(byType(json, 'aws_iam_role_policy')[`${role}_policy`].policy) as { Statement: Res[] };
const containerEnv = (json: SynthJson, service: string, container: string): Record<string, string> => {
  const defs = JSON.parse(byType(json, 'aws_ecs_task_definition')[`${service}_task_definition`].container_definitions) as Res[];
  return Object.fromEntries(defs.find((c) => c.name === container)!.environment.map((e: Res) => [e.name, e.value]));
};

const dev = loadEnvironment('dev');
const staging = loadEnvironment('staging');
const dev12 = synth(atStage(keepingHost(dev), '12-high-availability')).json;
const dev14 = synth(dev); // host decommissioned
const staging13 = synth(staging); // host kept mid-migration

describe('(5) application metrics from stage 13', () => {
  test('the backend task role may PutMetricData only into its namespace, and the task knows the namespace', () => {
    const namespace = classifyHubNames(dev).metricsNamespace;
    expect(namespace).toBe('ClassifyHub/dev');
    const statement = policyOf(dev14.json, 'backend_service_task_role').Statement.find((s) => s.Action === 'cloudwatch:PutMetricData');
    expect(statement).toEqual({ Sid: 'PutMetricDataClassifyHubDev', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': namespace } } });
    expect(containerEnv(dev14.json, 'backend_service', 'backend').METRICS_NAMESPACE).toBe(namespace);
    // Every region's backend, same namespace (metrics are regional).
    expect(containerEnv(dev14.json, 'eu_west_1_backend_service', 'backend').METRICS_NAMESPACE).toBe(namespace);
    expect(JSON.stringify(policyOf(dev14.json, 'eu_west_1_backend_service_task_role'))).toContain('"cloudwatch:namespace":"ClassifyHub/dev"');
  });

  test('not before stage 13, and no other role gets it', () => {
    expect(JSON.stringify(policyOf(dev12, 'backend_service_task_role'))).not.toContain('PutMetricData');
    expect(containerEnv(dev12, 'backend_service', 'backend').METRICS_NAMESPACE).toBeUndefined();
    const holders = Object.entries(byType(dev14.json, 'aws_iam_role_policy')).filter(([, p]) => String(p.policy).includes('cloudwatch:PutMetricData')).map(([n]) => n).sort();
    expect(holders).toEqual(['ap_southeast_1_backend_service_task_role_policy', 'backend_service_task_role_policy', 'eu_west_1_backend_service_task_role_policy']);
  });
});

describe('(6) the Docker host leaves nothing behind, and suppressions say what is true', () => {
  test('decommissioned: no host secret, no reference to the host secrets anywhere', () => {
    const names = classifyHubNames(dev);
    expect(addresses(dev14.json).filter((a) => /db_password|replication_password|docker_host/.test(a))).toEqual([]);
    const text = JSON.stringify(dev14.json.resource);
    expect(text).not.toContain(names.secrets.dbPassword);
    expect(text).not.toContain(names.secrets.replicationPassword);
    expect(dev14.report.suppressed).toEqual([]);
  });

  test('kept (staging, stage 13): the secrets stay with the host; the suppressions no longer claim the app record points at it', () => {
    expect(addresses(staging13.json)).toEqual(expect.arrayContaining(['aws_secretsmanager_secret.db_password_secret_secret', 'aws_secretsmanager_secret.replication_password_secret_secret']));
    expect(byType(staging13.json, 'aws_route53_record').app_record.alias).toBeDefined();
    const reasons = staging13.report.suppressed.map((f) => `${f.rule.id}: ${f.suppressedBy!.reason}`);
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/address the app record and Let's Encrypt reach/);
      expect(reason).toMatch(/no (DNS )?record (routes users to|points at) it/);
    }
  });
});

describe('(2) images of every region through the CDN (stage 14)', () => {
  test('each further region replicates its images bucket into the CDN origin bucket', () => {
    const configs = byType(dev14.json, 'aws_s3_bucket_replication_configuration');
    expect(Object.keys(configs).sort()).toEqual(['ap_southeast_1_images_replication_replication', 'eu_west_1_images_replication_replication']);
    for (const key of ['eu_west_1', 'ap_southeast_1']) {
      const c = configs[`${key}_images_replication_replication`];
      expect(c).toMatchObject({ provider: `aws.${key}`, bucket: `\${aws_s3_bucket.${key}_images_bucket_bucket.id}` });
      expect(c.rule[0]).toMatchObject({ status: 'Enabled', filter: { prefix: '' }, delete_marker_replication: { status: 'Enabled' }, destination: { bucket: '${aws_s3_bucket.images_bucket_bucket.arn}' } });
      expect(c.depends_on).toEqual(expect.arrayContaining([`aws_s3_bucket_versioning.${key}_images_bucket_versioning`, 'aws_s3_bucket_versioning.images_bucket_versioning']));
      const role = JSON.parse(byType(dev14.json, 'aws_iam_role')[`${key}_images_replication_role_role`].assume_role_policy);
      expect(role.Statement[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
      const policy = JSON.stringify(policyOf(dev14.json, `${key}_images_replication_role`));
      expect(policy).toContain(`\${aws_s3_bucket.${key}_images_bucket_bucket.arn}/*`);
      expect(policy).toContain('"s3:ReplicateObject"');
      expect(policy).toContain('${aws_s3_bucket.images_bucket_bucket.arn}/*');
    }
  });

  test('the CDN images origin is that bucket, CloudFront may read its images/ prefix, and every backend links to the CDN', () => {
    const cdn = byType(dev14.json, 'aws_cloudfront_distribution').cdn_distribution;
    const images = (cdn.origin as Res[]).find((o) => o.origin_id === 'images')!;
    expect(images.domain_name).toBe('${aws_s3_bucket.images_bucket_bucket.bucket_regional_domain_name}');
    const bucketPolicy = JSON.parse(byType(dev14.json, 'aws_s3_bucket_policy').images_bucket_policy.policy) as { Statement: Res[] };
    expect(bucketPolicy.Statement.find((s) => s.Sid === 'AllowCloudFrontReadImages')).toMatchObject({ Action: 's3:GetObject', Resource: '${aws_s3_bucket.images_bucket_bucket.arn}/images/*' });
    for (const service of ['backend_service', 'eu_west_1_backend_service', 'ap_southeast_1_backend_service']) {
      expect(containerEnv(dev14.json, service, 'backend').PUBLIC_ASSET_BASE_URL).toBe(`https://${classifyHubNames(dev).cdnDomain}`);
    }
  });
});

describe('(4) search as its own ECS service from stage 12, reachable only from the gateway', () => {
  test('the signing proxy runs as the search service, registered in Service Connect as "search"', () => {
    const service = byType(dev12, 'aws_ecs_service').search_service_service;
    expect(service).toMatchObject({ name: 'classifyhub-dev-search-proxy', launch_type: 'FARGATE' });
    expect(service.service_connect_configuration.service).toEqual([expect.objectContaining({ discovery_name: 'search', port_name: 'http', client_alias: { port: 8005, dns_name: 'search' } })]);
    const defs = JSON.parse(byType(dev12, 'aws_ecs_task_definition').search_service_task_definition.container_definitions) as Res[];
    expect(defs.map((c) => c.name)).toEqual(['search-signer']);
    expect(defs[0].command).toEqual(expect.arrayContaining(['--host', '${aws_opensearch_domain.search_domain.endpoint}']));
    const gateway = JSON.parse(byType(dev12, 'aws_ecs_task_definition').api_gateway_service_task_definition.container_definitions) as Res[];
    const conf = gateway[0].environment.find((e: Res) => e.name === 'NGINX_CONF').value as string;
    expect(conf).toContain('proxy_pass http://search:8005;');
    expect(conf).not.toContain('127.0.0.1:8005');
  });

  test('ingress to the search service only from the gateway; OpenSearch only from the backend and the search service', () => {
    const ingress = Object.values(byType(dev12, 'aws_vpc_security_group_ingress_rule'));
    const into = (sg: string) => ingress.filter((r) => r.security_group_id === `\${aws_security_group.${sg}.id}`).map((r) => `${r.referenced_security_group_id ?? r.cidr_ipv4}:${r.from_port}`).sort();
    expect(into('search_service_security_group')).toEqual(['${aws_security_group.api_gateway_service_security_group.id}:8005']);
    expect(into('search_security_group')).toEqual(['${aws_security_group.backend_service_security_group.id}:443', '${aws_security_group.search_service_security_group.id}:443']);
  });

  test('only the search service may query the posts index for the gateway; the gateway task role holds no OpenSearch access', () => {
    const gatewayPolicy = byType(dev12, 'aws_iam_role_policy').api_gateway_service_task_role_policy;
    expect(gatewayPolicy === undefined || !String(gatewayPolicy.policy).includes('es:')).toBe(true);
    const searchPolicy = JSON.stringify(policyOf(dev12, 'search_service_task_role'));
    expect(searchPolicy).toContain('"es:ESHttpGet"');
    expect(searchPolicy).toContain('/posts/_search');
    expect(searchPolicy).not.toContain('ESHttpPut');
  });
});

describe('(1) the database of stage 12 is a Multi-AZ DB cluster: writes to the writer, reads to the readable standbys', () => {
  test('every region: one cluster, no DB instance, the backend splits writes and reads between its endpoints', () => {
    expect(byType(dev14.json, 'aws_db_instance')).toEqual({});
    expect(Object.keys(byType(dev14.json, 'aws_rds_cluster')).sort()).toEqual(['ap_southeast_1_database_cluster', 'database_cluster', 'eu_west_1_database_cluster']);
    for (const prefix of ['', 'eu_west_1_', 'ap_southeast_1_']) {
      const env = containerEnv(dev14.json, `${prefix}backend_service`, 'backend');
      expect(env.DATABASE_HOST).toBe(`\${aws_rds_cluster.${prefix}database_cluster.endpoint}`);
      expect(env.DATABASE_READ_HOST).toBe(`\${aws_rds_cluster.${prefix}database_cluster.reader_endpoint}`);
      expect(env.DATABASE_READ_WRITE_SPLIT).toBe('true');
    }
  });

  test('alarms watch all three instances; the host replica of stage 10 is untouched', () => {
    const alarms = Object.values(byType(dev14.json, 'aws_cloudwatch_metric_alarm')).filter((a) => a.namespace === 'AWS/RDS' && !a.provider);
    const instances = [...new Set(alarms.map((a) => a.dimensions.DBInstanceIdentifier))].sort();
    expect(instances).toEqual(['classifyhub-dev-postgres-instance-1', 'classifyhub-dev-postgres-instance-2', 'classifyhub-dev-postgres-instance-3']);
    // The kept host still runs its stage-10 streaming replica (asynchronous, on the host) until it is decommissioned.
    const compose = hostFilesOf(dev12).get('/opt/classifyhub/docker-compose.yml')!;
    expect(compose).toContain('postgres-replica:');
    expect(compose).toContain('DATABASE_READ_HOST: postgres-replica');
  });
});
