/** webhooks-<env>: the stack's resources, wiring and settings; the snapshot; the OpenAPI document is up to date. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { devWith, synthWebhooks, WEBHOOKS_SECTION } from './support';
import { webhooksOpenApi } from '../../../systems/webhooks/api';
import { ROUTES } from '../../../lambdas/webhooks/shared/routes';
import { EnvironmentError } from '../../../environments/lib/schema';

const { json, stack } = synthWebhooks(devWith());
const r = json.resource;
const policyOf = (role: string) => JSON.parse(r.aws_iam_role_policy[`${role}_role_policy`].policy).Statement as { Sid: string; Action: string | string[]; Resource: string | string[] }[];

describe('webhooks stack', () => {
  test('the seed\'s components: API Gateway + WAF, Lambdas, DynamoDB, SQS + DLQ, Secrets Manager with rotation, CloudWatch', () => {
    expect(Object.keys(r.aws_lambda_function).sort()).toEqual(['auth_function', 'create_event_function', 'delivery_function', 'get_event_function', 'list_events_function', 'replay_event_function', 'rotate_keys_function', 'subscription_manager_function']);
    expect(r.aws_api_gateway_rest_api.api_api.endpoint_configuration.types).toEqual(['REGIONAL']);
    expect(r.aws_wafv2_web_acl_association).toBeDefined();
    expect(Object.keys(r.aws_dynamodb_table).sort()).toEqual(['endpoints_table', 'events_table']);
    expect(Object.keys(r.aws_sqs_queue).sort()).toEqual(['deliveries_dead_letter_queue', 'deliveries_queue']);
    expect(Object.keys(r.aws_secretsmanager_secret_rotation).sort()).toEqual(['endpoint_keys_rotation', 'jwt_keys_rotation']);
    expect(r.aws_cloudwatch_dashboard.dashboard_dashboard.dashboard_name).toBe('webhooks-dev');
  });

  test('every route is an API method behind the JWT authorizer and a usage-plan key; request bodies validated by models', () => {
    const methods = Object.values(r.aws_api_gateway_method) as { http_method: string; authorization: string; api_key_required: boolean; request_models?: Record<string, string> }[];
    expect(methods).toHaveLength(ROUTES.length);
    for (const m of methods) expect(m).toMatchObject({ authorization: 'CUSTOM', api_key_required: true });
    expect(Object.keys(r.aws_api_gateway_model).sort()).toEqual(['api_model_create_endpoint', 'api_model_create_event']);
    expect(r.aws_api_gateway_rest_api.api_api.api_key_source).toBe('AUTHORIZER');
    expect(r.aws_api_gateway_usage_plan.api_usage_plan_client_default.throttle_settings).toEqual({ rate_limit: 10, burst_limit: 20 });
    expect(r.aws_api_gateway_method_settings.api_method_settings.settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100 });
    expect(r.aws_api_gateway_stage.api_stage.access_log_settings.destination_arn).toContain('aws_cloudwatch_log_group.api_access_log_group');
  });

  test('events table: GSIs for the queries, TTL, PITR, on-demand; encrypted queues', () => {
    const t = r.aws_dynamodb_table.events_table;
    expect(t.global_secondary_index.map((i: { name: string }) => i.name)).toEqual(['ByCreated', 'ByType', 'ByStatus']);
    expect(t).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', ttl: { enabled: true, attribute_name: 'expiresAt' }, point_in_time_recovery: { enabled: true } });
    expect(r.aws_sqs_queue.deliveries_queue).toMatchObject({ sqs_managed_sse_enabled: true, visibility_timeout_seconds: 360 });
    expect(JSON.parse(r.aws_sqs_queue.deliveries_queue.redrive_policy).maxReceiveCount).toBe(5);
  });

  test('delivery consumes the queue with partial batch responses and bounded concurrency; least-privilege grants', () => {
    const mapping = r.aws_lambda_event_source_mapping.delivery_deliveries_queue_source;
    expect(mapping).toMatchObject({ batch_size: 10, function_response_types: ['ReportBatchItemFailures'], scaling_config: { maximum_concurrency: 5 } });
    const delivery = policyOf('delivery').flatMap((s) => [s.Action].flat());
    expect(delivery).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'sqs:SendMessage', 'secretsmanager:GetSecretValue', 'kms:Decrypt']));
    expect(delivery).not.toContain('dynamodb:Scan');
    const reader = policyOf('get_event').flatMap((s) => [s.Action].flat());
    expect(reader).not.toContain('dynamodb:PutItem');
    const rotation = policyOf('rotate_keys').flatMap((s) => [s.Action].flat());
    expect(rotation).toEqual(expect.arrayContaining(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'kms:GenerateDataKey']));
    expect(r.aws_secretsmanager_secret.endpoint_keys_secret.kms_key_id).toContain('aws_kms_key.secrets_key');
    expect(r.aws_lambda_permission.endpoint_keys_rotation_permission.principal).toBe('secretsmanager.amazonaws.com');
  });

  test('functions run nodejs22.x in the private subnets of every zone; HTTPS-only flag follows the tier', () => {
    for (const f of Object.values(r.aws_lambda_function) as { runtime: string; vpc_config: { subnet_ids: string[] }; environment: { variables: Record<string, string> } }[]) {
      expect(f.runtime).toBe('nodejs22.x');
      expect(f.vpc_config.subnet_ids).toHaveLength(devWith().network.availabilityZones.length);
    }
    expect(r.aws_lambda_function.delivery_function.environment.variables.REQUIRE_HTTPS).toBe('false');
    expect(r.aws_lambda_function.create_event_function.environment.variables.EVENT_TYPES).toBe('invoice.paid,user.created');
  });

  test('alarms: DLQ > 0, success rate, p99 latency, throttles and errors per function, API 4XX/5XX', () => {
    const names = Object.values(r.aws_cloudwatch_metric_alarm).map((a) => (a as { alarm_name: string }).alarm_name);
    expect(names).toEqual(expect.arrayContaining(['webhooks-dev-deliveries-dead-letter-messages', 'webhooks-dev-delivery-success-rate', 'webhooks-dev-delivery-p99-latency', 'webhooks-dev-api-4xx', 'webhooks-dev-api-5xx']));
    expect(names.filter((n) => n.endsWith('-throttles'))).toHaveLength(8);
  });

  test('bad sections are refused naming the field and the value', () => {
    expect(() => devWith({ ...WEBHOOKS_SECTION, cidr: '10.10.0.0/16' })).toThrow(EnvironmentError);
    expect(() => devWith({ ...WEBHOOKS_SECTION, eventTypes: ['Invoice Paid'] })).toThrow(/webhooks\.eventTypes\.0/);
    expect(() => devWith({ ...WEBHOOKS_SECTION, shieldAdvanced: true })).toThrow(/Shield Advanced cannot protect a regional REST API/);
    expect(() => devWith({ ...WEBHOOKS_SECTION, clients: [{ name: 'default', rateLimitPerSecond: 1, burstLimit: 1 }] })).toThrow(/webhooks\.clients\.0\.name/);
  });

  test('snapshot (asset hashes blanked)', () => {
    const text = JSON.stringify(json, null, 1)
      .replace(/assets\/[^"]+/g, 'assets/<hash>')
      .replace(/"source_code_hash": "[^"]+"/g, '"source_code_hash": "<hash>"');
    expect(text).toMatchSnapshot();
    expect(stack.node.id).toBe('webhooks-dev');
  });
});

describe('OpenAPI document', () => {
  test('docs/webhooks-openapi.json is generated from the route table and schemas and is up to date (npm run docs:webhooks-openapi)', () => {
    const file = path.join(__dirname, '..', '..', '..', 'docs', 'webhooks-openapi.json');
    const expected = `${JSON.stringify(webhooksOpenApi(), null, 2)}\n`;
    expect(fs.readFileSync(file, 'utf8')).toBe(expected);
    const doc = JSON.parse(expected);
    expect(Object.keys(doc.paths).sort()).toEqual(['/endpoints', '/endpoints/{id}', '/endpoints/{id}/rotate-secret', '/events', '/events/{id}', '/events/{id}/replay']);
    expect(doc.paths['/events'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateEvent');
  });
});
