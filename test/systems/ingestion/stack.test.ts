/**
 * The ingestion stack (seed 003), dev environment: every node and edge of the seed's diagram as Terraform, the API's
 * committed templates, encryption, least-privilege grants, alarms, dashboards, and a snapshot (hashes blanked).
 * Functions are bundled from a small fixture (the real entries are planned through main.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { loadEnvironment } from '../../../environments/lib/load';
import { validateEnvironment } from '../../../environments/lib/schema';
import devInput from '../../../environments/dev';
import { IngestionStack, hostAddress } from '../../../systems/ingestion/stack';
import { addIngestionStacks } from '../../../systems/ingestion/app';
import { INGESTION_FUNCTIONS } from '../../../systems/ingestion/names';
import { loadTemplate } from '../../../lambdas/ingestion/shared/api';
import { unescapeTerraformTemplate } from '../../../modules/core/template';

type Json = { resource: Record<string, Record<string, any>>; output: Record<string, any>; provider: Record<string, any[]> };
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'lambda-function', 'index.ts');
const fixtureCode = Object.fromEntries(INGESTION_FUNCTIONS.map((fn) => [fn, { entry: FIXTURE }]));

const env = loadEnvironment('dev');
const stack = new IngestionStack(Testing.app(), 'ingestion-dev', { environment: env, functionCode: fixtureCode });
const synthesized = Testing.synth(stack);
const json = JSON.parse(synthesized) as Json;
const r = (type: string) => json.resource[type] ?? {};
const policyOf = (roleId: string) => JSON.parse(r('aws_iam_role_policy')[roleId].policy) as { Statement: { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] };

describe('seed 003, edge by edge', () => {
  test('Internet -> ALB (ACM certificate, HTTPS, WAF) -> execute-api endpoint addresses', () => {
    expect(r('aws_lb').load_balancer_load_balancer).toMatchObject({ internal: false, drop_invalid_header_fields: true });
    expect(r('aws_acm_certificate').load_balancer_certificate.domain_name).toBe('ingest.dev.classifyhub.example.com');
    expect(r('aws_wafv2_web_acl_association')).not.toEqual({});
    const tg = r('aws_lb_target_group').load_balancer_api_target_group;
    expect(tg).toMatchObject({ protocol: 'HTTPS', port: 443, target_type: 'ip', health_check: { protocol: 'HTTPS', matcher: '200-403' } });
    const endpoint = r('aws_vpc_endpoint').execute_api_endpoint;
    expect(endpoint).toMatchObject({ service_name: 'com.amazonaws.us-east-1.execute-api', vpc_endpoint_type: 'Interface', private_dns_enabled: true });
    const ips = endpoint.subnet_configuration.map((c: { ipv4: string }) => c.ipv4);
    expect(ips).toEqual(['10.42.16.10', '10.42.32.10']);
    expect(Object.values(r('aws_lb_target_group_attachment')).map((a: any) => a.target_id)).toEqual(ips);
    expect(hostAddress('10.42.240.0/20', 10)).toBe('10.42.240.10');
  });

  test('ALB -> API Gateway: a private REST API with a private custom domain of the ALB name', () => {
    expect(r('aws_api_gateway_rest_api').api_api.endpoint_configuration.types).toEqual(['PRIVATE']);
    expect(r('aws_api_gateway_domain_name').api_domain_domain_name).toMatchObject({ domain_name: 'ingest.dev.classifyhub.example.com', endpoint_configuration: { types: ['PRIVATE'] }, security_policy: 'TLS_1_2' });
    expect(r('aws_api_gateway_domain_name_access_association').api_domain_access_association.access_association_source_type).toBe('VPCE');
  });

  test('API Gateway -> Kinesis: PutRecord / PutRecords with the committed templates and models', () => {
    const integrations = r('aws_api_gateway_integration');
    for (const [route, action, file] of [['record', 'PutRecord', 'put-record.request.vtl'], ['records', 'PutRecords', 'put-records.request.vtl']]) {
      const i = integrations[`api_integration_post_${route}`];
      expect(i).toMatchObject({ type: 'AWS', uri: `arn:aws:apigateway:us-east-1:kinesis:action/${action}`, passthrough_behavior: 'NEVER' });
      expect(unescapeTerraformTemplate(i.request_templates['application/json'])).toBe(loadTemplate(file, 'ingestion-dev-events'));
    }
    const models = Object.values(r('aws_api_gateway_model')).map((m: any) => JSON.parse(m.schema));
    expect(models.find((m) => m.title === 'IngestRecords').properties.records.maxItems).toBe(500);
    expect(Object.values(r('aws_api_gateway_method')).every((m: any) => m.request_validator_id)).toBe(true);
    const responses = Object.entries(r('aws_api_gateway_integration_response')).map(([id, x]: [string, any]) => [id.replace(/^api_integration_response_post_/, ''), x.selection_pattern ?? null]);
    expect(responses).toEqual([['record_200', null], ['record_400', '4\\d{2}'], ['record_502', '5\\d{2}'], ['records_200', null], ['records_400', '4\\d{2}'], ['records_502', '5\\d{2}']]);
    // The API's role may write this stream and nothing else.
    const statements = policyOf('api_role_policy').Statement;
    expect(statements.map((s) => s.Action)).toEqual([['kinesis:PutRecord', 'kinesis:PutRecords'], 'kms:GenerateDataKey']);
    expect(statements[0].Resource).toBe('${aws_kinesis_stream.stream_stream.arn}');
  });

  test('Kinesis stream: the seed\'s four shards (D1-D4), provisioned, KMS-encrypted, tier retention', () => {
    expect(r('aws_kinesis_stream').stream_stream).toMatchObject({ name: 'ingestion-dev-events', shard_count: 4, stream_mode_details: { stream_mode: 'PROVISIONED' }, retention_period: 24, encryption_type: 'KMS', kms_key_id: '${aws_kms_key.key.arn}' });
  });

  test('D1-D4 -> E1 -> D5: bisect, partial batch responses, bounded retries, on-failure queue', () => {
    const esm = r('aws_lambda_event_source_mapping').stream_e1_consumer_source;
    expect(esm).toMatchObject({ starting_position: 'TRIM_HORIZON', bisect_batch_on_function_error: true, function_response_types: ['ReportBatchItemFailures'], maximum_retry_attempts: 10, maximum_record_age_in_seconds: 3600, destination_config: { on_failure: { destination_arn: '${aws_sqs_queue.failure_queue_queue.arn}' } } });
    const e1 = policyOf('e1_consumer_role_policy').Statement;
    expect(e1.find((s) => /EventsTable/.test(s.Sid))?.Action).toEqual(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem']);
    expect(r('aws_dynamodb_table').events_table_table).toMatchObject({ hash_key: 'id', stream_enabled: true, stream_view_type: 'NEW_IMAGE', point_in_time_recovery: { enabled: true } });
  });

  test('D5 -> L1 (in the VPC) -> S1, D5 -> F1 (Fargate, image from ECR) -> S1, ECR -> EC2 behind the ALB -> S1', () => {
    expect(r('aws_lambda_function').l1_exporter_function.vpc_config.subnet_ids).toHaveLength(2);
    expect(r('aws_lambda_event_source_mapping').l1_exporter_events_table_stream_source.filter_criteria.filter[0].pattern).toBe('{"eventName":["INSERT"]}');
    expect(policyOf('l1_exporter_role_policy').Statement.find((s) => s.Action === 's3:PutObject')?.Resource).toBe('${aws_s3_bucket.exports_bucket_bucket.arn}/events/*');
    const task = JSON.parse(r('aws_ecs_task_definition').f1_summarizer_task_definition.container_definitions)[0];
    expect(task.image).toBe('${aws_ecr_repository.worker_repository_repository.repository_url}:1.0.0');
    expect(r('aws_ecs_service').f1_summarizer_service.desired_count).toBe(1);
    // The worker (lambdas/ingestion/f1-summarizer): `summarize`, its stream, bucket and checkpoint table from the environment.
    expect(task.command).toEqual(['summarize']);
    expect(Object.fromEntries(task.environment.map((e: { name: string; value: string }) => [e.name, e.value]))).toMatchObject({ EVENTS_STREAM_ARN: '${aws_dynamodb_table.events_table_table.stream_arn}', CHECKPOINT_TABLE: 'ingestion-dev-replicator-checkpoints', EXPORT_BUCKET: expect.any(String) });
    const f1 = policyOf('f1_summarizer_task_role_policy').Statement;
    expect(f1.find((st) => JSON.stringify(st.Action) === JSON.stringify(['dynamodb:GetItem', 'dynamodb:PutItem']))?.Resource).toBe('${aws_dynamodb_table.checkpoint_table_table.arn}');
    expect(r('aws_autoscaling_group').ec2_reports_group).toMatchObject({ min_size: 1, max_size: 1, health_check_type: 'ELB', target_group_arns: ['${aws_lb_target_group.load_balancer_reports_target_group.arn}'] });
    // modules/autoscaling, fixed size: no scaling policy; IMDSv2 with the Docker bridge's hop; the container log group.
    expect(r('aws_autoscaling_policy').ec2_reports_cpu_target_tracking).toBeUndefined();
    expect(r('aws_launch_template').ec2_reports_launch_template.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 2, instance_metadata_tags: 'disabled' });
    expect(r('aws_launch_template').ec2_reports_launch_template.block_device_mappings[0].ebs).toMatchObject({ volume_size: 30, encrypted: 'true' });
    expect(r('aws_cloudwatch_log_group').ec2_reports_log_group.name).toBe('/ec2/ingestion-dev-ec2-reports');
    expect(r('aws_launch_template').ec2_reports_launch_template.user_data).toContain('awslogs-group=/ec2/ingestion-dev-ec2-reports');
    expect(r('aws_lb_listener_rule').load_balancer_reports_rule.condition[0].path_pattern.values).toEqual(['/reports', '/reports/*']);
  });

  test('D1-D4 -> R2 (Firehose: GZIP, KMS, 300 s / 5 MiB) with the lifecycle policy', () => {
    const f = r('aws_kinesis_firehose_delivery_stream').retention_delivery_delivery_stream;
    expect(f.extended_s3_configuration).toMatchObject({ compression_format: 'GZIP', buffering_interval: 300, buffering_size: 5, kms_key_arn: '${aws_kms_key.key.arn}' });
    const rules = r('aws_s3_bucket_lifecycle_configuration').retention_bucket_lifecycle.rule;
    expect(rules).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'transition-glacier-ir', transition: [{ days: 30, storage_class: 'GLACIER_IR' }] }), expect.objectContaining({ id: 'expire-current-versions', expiration: [{ days: 90 }] })]));
  });

  test('region 2: R1 fed by the replicator (fan-out consumer), E1 on R1, R1 -> S2, S1 -> S2 with RTC', () => {
    const streams = r('aws_kinesis_stream');
    expect(streams.region2_stream_stream).toMatchObject({ name: 'ingestion-dev-r2-events', shard_count: 4, provider: 'aws.region2' });
    expect(json.provider.aws.find((p: any) => p.alias === 'region2').region).toBe('us-west-2');
    const esms = r('aws_lambda_event_source_mapping');
    expect(esms.stream_replicator_source.event_source_arn).toBe('${aws_kinesis_stream_consumer.stream_replicator_consumer.arn}');
    expect(esms.region2_stream_e1_consumer_source).toMatchObject({ provider: 'aws.region2', event_source_arn: '${aws_kinesis_stream.region2_stream_stream.arn}' });
    expect(r('aws_kinesis_firehose_delivery_stream').region2_replica_delivery_delivery_stream.provider).toBe('aws.region2');
    const replication = r('aws_s3_bucket_replication_configuration').exports_replication_replication;
    expect(replication.rule[0].destination).toMatchObject({ bucket: '${aws_s3_bucket.region2_replica_bucket_bucket.arn}', replication_time: { status: 'Enabled', time: { minutes: 15 } } });
    const replicator = policyOf('replicator_role_policy').Statement;
    expect(replicator.find((s) => s.Resource === '${aws_kinesis_stream.region2_stream_stream.arn}')?.Action).toEqual(['kinesis:PutRecord', 'kinesis:PutRecords']);
    expect(replicator.find((s) => s.Sid.startsWith('Subscribe'))?.Action).toEqual(['kinesis:SubscribeToShard', 'kinesis:DescribeStreamConsumer']);
  });

  test('monitoring: log groups, the three dashboards, the alarms', () => {
    const logGroups = Object.values(r('aws_cloudwatch_log_group')).map((g: any) => g.name);
    expect(logGroups).toEqual(expect.arrayContaining(['/aws/lambda/ingestion-dev-e1-consumer', '/aws/lambda/ingestion-dev-l1-exporter', '/ecs/ingestion-dev/f1-summarizer', '/aws/apigateway/ingestion-dev-api/access', '/aws/lambda/ingestion-dev-r2-e1-consumer']));
    expect(Object.values(r('aws_cloudwatch_dashboard')).map((d: any) => d.dashboard_name).sort()).toEqual(['ingestion-dev-api', 'ingestion-dev-consumers', 'ingestion-dev-shards']);
    const alarms = Object.values(r('aws_cloudwatch_metric_alarm')) as any[];
    const byName = (n: string) => alarms.find((a) => a.alarm_name === n);
    expect(byName('ingestion-dev-stream-iterator-age')).toMatchObject({ metric_name: 'GetRecords.IteratorAgeMilliseconds', threshold: 12 * 3600 * 1000 });
    expect(byName('ingestion-dev-stream-write-throttled').metric_name).toBe('WriteProvisionedThroughputExceeded');
    expect(byName('ingestion-dev-replication-lag').metric_name).toBe('ReplicationLagMs');
    expect(alarms.filter((a) => a.alarm_name.includes('error-rate')).length).toBeGreaterThanOrEqual(3);
    expect(alarms.filter((a) => a.alarm_name.includes('failure-queue')).length).toBeGreaterThanOrEqual(3);
    expect(byName('ingestion-dev-r2-stream-iterator-age').provider).toBe('aws.region2');
  });
});

describe('security', () => {
  test('everything at rest is encrypted', () => {
    expect(Object.values(r('aws_kinesis_stream')).every((s: any) => s.encryption_type === 'KMS')).toBe(true);
    expect(Object.values(r('aws_sqs_queue')).every((q: any) => q.sqs_managed_sse_enabled || q.kms_master_key_id)).toBe(true);
    expect(Object.values(r('aws_dynamodb_table')).every((t: any) => t.server_side_encryption)).toBe(true);
    expect(Object.keys(r('aws_s3_bucket_server_side_encryption_configuration')).length).toBe(Object.keys(r('aws_s3_bucket')).length);
    expect(Object.values(r('aws_kms_key')).every((k: any) => k.enable_key_rotation)).toBe(true);
  });

  test('no statement grants "*" except the actions IAM cannot scope', () => {
    for (const [id, p] of Object.entries(r('aws_iam_role_policy'))) {
      for (const s of JSON.parse((p as any).policy).Statement) {
        const resources = [s.Resource].flat();
        if (resources.includes('*')) expect({ id, sid: s.Sid }).toEqual({ id, sid: expect.stringMatching(/Unscopable$|^EcrLogin/) });
      }
    }
  });

  test('the system writes no IAM statements of its own (grants come from modules)', () => {
    const dir = path.join(__dirname, '..', '..', '..', 'systems', 'ingestion');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts'))) expect({ f, calls: fs.readFileSync(path.join(dir, f), 'utf8').includes('addToPolicy(') }).toEqual({ f, calls: false });
  });
});

describe('the environment section', () => {
  const input = (ingestion: Record<string, unknown>) => ({ ...devInput, ingestion: { ...devInput.ingestion, ...ingestion } });
  test('region 2 must be another region, with its own zones', () => {
    expect(() => validateEnvironment(input({ region2: { region: 'us-east-1', cidr: '10.43.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] } }), 'environments/dev.ts')).toThrow(/"ingestion\.region2\.region": received "us-east-1"; must differ from the environment's region us-east-1[\s\S]*"ingestion\.region2\.availabilityZones\.0": received "us-west-2a"; must be a zone of us-east-1/);
  });
  test('the VPC ranges may not overlap another system\'s', () => {
    expect(() => validateEnvironment(input({ cidr: '10.40.0.0/16' }), 'environments/dev.ts')).toThrow(/10\.40\.0\.0\/16/);
  });
});

test('snapshot (asset hashes blanked)', () => {
  const blanked = synthesized
    .replace(/"source_code_hash": "[^"]+"/g, '"source_code_hash": "<hash>"')
    .replace(/assets\/[^"/]+\/[0-9a-f]{32}\//g, 'assets/<asset>/<hash>/')
    .replace(/"(definition|resources)": "[0-9a-f]{64}"/g, '"$1": "<hash>"');
  expect(JSON.parse(blanked)).toMatchSnapshot();
});

test('app.ts adds one stack per environment that runs the system', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ingestion-app-')) });
  expect(addIngestionStacks(app, [env, { ...env, systems: ['classifyhub'] }]).map((s) => s.node.id)).toEqual(['ingestion-dev']);
});
