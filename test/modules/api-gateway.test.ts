import * as path from 'node:path';
import { Construct } from 'constructs';
import { LambdaFunction } from '../../modules/function';
import { RestApi, RestApiProps } from '../../modules/api-gateway';
import { ServiceRole } from '../../modules/iam/role';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
const entry = path.join(__dirname, '..', 'fixtures', 'lambda-function', 'index.ts');

function build(scope: Construct, extra: Partial<RestApiProps> = {}) {
  const fn = new LambdaFunction(scope, 'events_fn', { functionName: 'test-events', entry, logRetentionDays: 14 });
  const authFn = new LambdaFunction(scope, 'auth_fn', { functionName: 'test-auth', entry, logRetentionDays: 14 });
  const api = new RestApi(scope, 'api', { name: 'test-api', endpointType: 'regional', logRetentionDays: 14, throttle: { rateLimitPerSecond: 50, burstLimit: 100 }, ...extra });
  const auth = api.addAuthorizer({ name: 'jwt', fn: authFn });
  const model = api.addModel('CreateEvent', { type: 'object', required: ['type'], properties: { type: { type: 'string' } } });
  api.addMethod('POST', '/events', { integration: { type: 'lambda', fn }, requestModel: model, authorizer: auth, headerParameters: { 'Idempotency-Key': false }, summary: 'Create', responses: { 202: { description: 'Accepted' } } });
  api.addMethod('POST', '/events/{id}/replay', { integration: { type: 'lambda', fn }, authorizer: auth });
  return { api, fn };
}

describe('RestApi', () => {
  test('resources once per path segment, methods with validators, authorizer, Lambda permissions per method', () => {
    const json = JSON.parse(synthFixture((s) => build(s))) as Json;
    expect(Object.keys(json.resource.aws_api_gateway_resource).sort()).toEqual(['api_resource_events', 'api_resource_events_id', 'api_resource_events_id_replay']);
    const post = json.resource.aws_api_gateway_method.api_method_post_events;
    expect(post.authorization).toBe('CUSTOM');
    expect(post.request_parameters).toEqual({ 'method.request.header.Idempotency-Key': false });
    expect(post.request_validator_id).toContain('aws_api_gateway_request_validator.api_validator_all');
    const replay = json.resource.aws_api_gateway_method.api_method_post_events_id_replay;
    expect(replay.request_parameters).toEqual({ 'method.request.path.id': true });
    expect(replay.request_validator_id).toContain('api_validator_params');
    const perm = json.resource.aws_lambda_permission.api_permission_post_events_id_replay;
    expect(perm.source_arn).toMatch(/\/\*\/POST\/events\/\*\/replay$/);
    expect(json.resource.aws_lambda_permission.api_authorizer_jwt_permission.source_arn).toContain('/authorizers/');
    const model = JSON.parse(json.resource.aws_api_gateway_model.api_model_create_event.schema);
    expect(model.$schema).toBe('http://json-schema.org/draft-04/schema#');
  });

  test('stage: access logs (JSON), X-Ray, throttling; deployment redeploys on definition change', () => {
    const a = JSON.parse(synthFixture((s) => build(s))) as Json;
    const stage = a.resource.aws_api_gateway_stage.api_stage;
    expect(stage.xray_tracing_enabled).toBe(true);
    expect(JSON.parse(stage.access_log_settings.format).status).toBe('$context.status');
    const settings = a.resource.aws_api_gateway_method_settings.api_method_settings.settings;
    expect(settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100, metrics_enabled: true });
    const dep = a.resource.aws_api_gateway_deployment.api_deployment;
    expect(dep.lifecycle.create_before_destroy).toBe(true);
    expect(dep.depends_on.length).toBeGreaterThanOrEqual(4);
    const b = JSON.parse(
      synthFixture((s) => {
        const { api, fn } = build(s);
        api.addMethod('GET', '/events', { integration: { type: 'lambda', fn }, queryParameters: { limit: false } });
      }),
    ) as Json;
    expect(b.resource.aws_api_gateway_deployment.api_deployment.triggers.definition).not.toBe(dep.triggers.definition);
    expect(JSON.parse(synthFixture((s) => build(s))).resource.aws_api_gateway_deployment.api_deployment.triggers.definition).toBe(dep.triggers.definition);
  });

  test('JSON gateway responses name the validation error', () => {
    const json = JSON.parse(synthFixture((s) => build(s))) as Json;
    const bad = json.resource.aws_api_gateway_gateway_response.api_response_bad_request_body;
    expect(bad.status_code).toBe('400');
    expect(bad.response_templates['application/json']).toContain('$context.error.validationErrorString');
  });

  test('private endpoint: resource policy limited to the VPC endpoints', () => {
    const json = JSON.parse(synthFixture((s) => build(s, { endpointType: 'private', vpcEndpointIds: ['vpce-123'] }))) as Json;
    expect(json.resource.aws_api_gateway_rest_api.api_api.endpoint_configuration.types).toEqual(['PRIVATE']);
    const policy = JSON.parse(json.resource.aws_api_gateway_rest_api_policy.api_policy.policy);
    expect(policy.Statement[1].Condition).toEqual({ StringNotEquals: { 'aws:SourceVpce': ['vpce-123'] } });
  });

  test('AWS service integration with VTL templates and responses', () => {
    const json = JSON.parse(
      synthFixture((s) => {
        const api = new RestApi(s, 'api', { name: 'ingest', endpointType: 'regional', logRetentionDays: 14 });
        const role = new ServiceRole(s, 'role', { roleName: 'ingest-apigw', assumedBy: 'apigateway.amazonaws.com', description: 'x' });
        api.addMethod('POST', '/records', {
          integration: { type: 'aws', service: 'kinesis', action: 'PutRecords', role, region: 'us-east-1', requestTemplates: { 'application/json': '{"StreamName":"s"}' }, responses: [{ statusCode: 200 }, { statusCode: 500, selectionPattern: '5\\d{2}' }] },
        });
      }),
    ) as Json;
    const integ = json.resource.aws_api_gateway_integration.api_integration_post_records;
    expect(integ.uri).toBe('arn:aws:apigateway:us-east-1:kinesis:action/PutRecords');
    expect(integ.passthrough_behavior).toBe('NEVER');
    expect(Object.keys(json.resource.aws_api_gateway_integration_response).sort()).toEqual(['api_integration_response_post_records_200', 'api_integration_response_post_records_500']);
  });

  test('usage plan with authorizer-sourced keys; OpenAPI from the same definitions', () => {
    let doc: Record<string, any> = {};
    const json = JSON.parse(
      synthFixture((s) => {
        const { api } = build(s, { apiKeySource: 'AUTHORIZER' });
        api.addUsagePlan({ name: 'client_acme', throttle: { rateLimitPerSecond: 10, burstLimit: 20 }, apiKeys: [{ name: 'acme', value: 'usage-key-acme-0000000000' }] });
        doc = api.openApiDocument({ title: 'T', version: '1' });
      }),
    ) as Json;
    expect(json.resource.aws_api_gateway_usage_plan.api_usage_plan_client_acme.throttle_settings).toEqual({ rate_limit: 10, burst_limit: 20 });
    expect(doc.paths['/events'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateEvent');
    expect(doc.paths['/events/{id}/replay'].post.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
  });

  test('bad props are refused with the value received', () => {
    expect(() => synthFixture((s) => build(s, { endpointType: 'private' }))).toThrow(/vpcEndpointIds: received nothing/);
    expect(() => synthFixture((s) => build(s, { logRetentionDays: 8 }))).toThrow(/logRetentionDays: received 8/);
    expect(() =>
      synthFixture((s) => {
        const { api, fn } = build(s);
        api.addMethod('POST', 'events', { integration: { type: 'lambda', fn } });
      }),
    ).toThrow(/path: received "events"/);
  });
});
