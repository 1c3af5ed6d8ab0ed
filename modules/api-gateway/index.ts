import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Fn, Lazy, Token } from 'cdktf';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayRestApiPolicy } from '@cdktf/provider-aws/lib/api-gateway-rest-api-policy';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayModel } from '@cdktf/provider-aws/lib/api-gateway-model';
import { ApiGatewayRequestValidator } from '@cdktf/provider-aws/lib/api-gateway-request-validator';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LOG_RETENTION_DAYS, PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { renderPolicy } from '../iam/policy';
import { ServiceRole } from '../iam/role';
import type { LambdaFunction } from '../function';
import { ACCESS_LOG_FORMAT, HTTP_METHODS, JSON_ERROR_RESPONSES, REST_API_DEFAULTS } from './defaults';

export { ACCESS_LOG_FORMAT, HTTP_METHODS, JSON_ERROR_RESPONSES, REST_API_DEFAULTS } from './defaults';

export type HttpMethod = (typeof HTTP_METHODS)[number];
/** A JSON schema (draft-04 for API Gateway models; also rendered into the OpenAPI document). */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimitPerSecond: number;
  /** Largest burst (token bucket size). */
  readonly burstLimit: number;
}

export interface RestApiProps {
  /** API name (1-1024 characters); also names the access log group `/aws/apigateway/<name>/access`. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** 'regional' (public, regional endpoint) or 'private' (reachable only through the given VPC endpoints). */
  readonly endpointType: 'regional' | 'private';
  /**
   * Interface VPC endpoint ids (execute-api) allowed to call a private API; the resource policy denies every other source.
   * @default none - required when endpointType is 'private'
   */
  readonly vpcEndpointIds?: readonly string[];
  /** @default 'v1' */
  readonly stageName?: string;
  /** Retention of the access log group, days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** @default { rateLimitPerSecond: 100, burstLimit: 200 } for every method of the stage */
  readonly throttle?: ThrottleSettings;
  /** X-Ray tracing of the stage. @default true */
  readonly tracing?: boolean;
  /**
   * Execution logging of every method (CloudWatch log group `API-Gateway-Execution-Logs_<id>/<stage>`). Needs the
   * account's API Gateway CloudWatch role (see manageAccountLogRole); access logs need it too.
   * @default 'ERROR'
   */
  readonly executionLogging?: 'OFF' | 'ERROR' | 'INFO';
  /**
   * Create the API Gateway account setting's CloudWatch role (`aws_api_gateway_account`, one per account and region:
   * let exactly one stack of an account/region own it).
   * @default false - the role must already be set in the account
   */
  readonly manageAccountLogRole?: boolean;
  /**
   * Where usage plans read the API key: the `x-api-key` header, or the `usageIdentifierKey` a Lambda authorizer returns
   * (per-client plans without client-visible keys).
   * @default 'HEADER'
   */
  readonly apiKeySource?: 'HEADER' | 'AUTHORIZER';
  /** Gateway responses (validation, auth, throttling errors) as JSON `{ error, message }`. @default true */
  readonly jsonErrors?: boolean;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** A Lambda authorizer of the API (`api.addAuthorizer`). */
export interface LambdaAuthorizerOptions {
  /** Authorizer name. */
  readonly name: string;
  /** The function deciding (Lambda permission added, limited to this authorizer). */
  readonly fn: LambdaFunction;
  /** 'token': the Authorization header only; 'request': headers, query, context. @default 'token' */
  readonly type?: 'token' | 'request';
  /** @default 'method.request.header.Authorization' */
  readonly identitySource?: string;
  /** Seconds API Gateway caches a decision per identity (0-3600). @default 300 */
  readonly resultTtlSeconds?: number;
}

/** An authorizer created by `addAuthorizer`. */
export interface Authorizer {
  readonly name: string;
  readonly resource: ApiGatewayAuthorizer;
}

/** A JSON-schema model created by `addModel`. */
export interface Model {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly resource: ApiGatewayModel;
}

/** One response of an AWS service integration. */
export interface ServiceIntegrationResponse {
  readonly statusCode: number;
  /** Regex matched against the service's error; the default response has none. @default none */
  readonly selectionPattern?: string;
  /** @default none - the service's body passes through */
  readonly responseTemplates?: Readonly<Record<string, string>>;
}

export type Integration =
  | {
      /** Lambda proxy integration (the permission for this method is added). */
      readonly type: 'lambda';
      readonly fn: LambdaFunction;
      /** @default 29000 */
      readonly timeoutMilliseconds?: number;
    }
  | {
      /** AWS service integration (action API, e.g. Kinesis PutRecords) with VTL mapping templates. */
      readonly type: 'aws';
      /** Service subdomain, e.g. 'kinesis'. */
      readonly service: string;
      /** Action, e.g. 'PutRecords'. */
      readonly action: string;
      /** Role API Gateway assumes (grant it the action with the service module's grant method). */
      readonly role: ServiceRole;
      /** Region of the service. */
      readonly region: string;
      /** Content type → VTL template. */
      readonly requestTemplates: Readonly<Record<string, string>>;
      readonly responses: readonly ServiceIntegrationResponse[];
      /** @default 29000 */
      readonly timeoutMilliseconds?: number;
    };

/** Documentation of one response of a method (OpenAPI only). */
export interface ResponseDoc {
  readonly description: string;
  /** @default no body */
  readonly model?: Model;
}

export interface MethodOptions {
  readonly integration: Integration;
  /** JSON-schema model of the request body. @default none */
  readonly requestModel?: Model;
  /** What API Gateway validates before the integration runs. @default 'body' with a requestModel, else 'params' with parameters, else none */
  readonly validate?: 'body' | 'params' | 'all';
  /** Query string parameters: name → required. @default none */
  readonly queryParameters?: Readonly<Record<string, boolean>>;
  /** Header parameters: name → required. @default none */
  readonly headerParameters?: Readonly<Record<string, boolean>>;
  /** @default none - the method is open (authorization NONE): say why when you do that */
  readonly authorizer?: Authorizer;
  /** Require a usage-plan API key. @default false */
  readonly apiKeyRequired?: boolean;
  /** OpenAPI summary. @default none */
  readonly summary?: string;
  /** OpenAPI responses by status code. @default none */
  readonly responses?: Readonly<Record<number, ResponseDoc>>;
  /** OpenAPI descriptions of parameters, by name. @default none */
  readonly parameterDescriptions?: Readonly<Record<string, string>>;
}

/** One method added with `addMethod`. */
export interface ApiMethod {
  readonly httpMethod: HttpMethod;
  readonly path: string;
  readonly method: ApiGatewayMethod;
  readonly integration: ApiGatewayIntegration;
  readonly options: MethodOptions;
}

export interface UsagePlanOptions {
  /** Plan name (and Terraform id suffix, snake_case). */
  readonly name: string;
  readonly description?: string;
  readonly throttle: ThrottleSettings;
  /** @default none */
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
  /**
   * API keys of the plan, by name. `value` is set only for AUTHORIZER-sourced keys, which are identifiers the
   * authorizer returns (clients never see them); HEADER keys get a value generated by AWS.
   * @default none
   */
  readonly apiKeys?: readonly { readonly name: string; readonly value?: string }[];
}

const METHOD_PATH = /^\/([A-Za-z0-9._-]+|\{[A-Za-z0-9_]+\+?\})(\/([A-Za-z0-9._-]+|\{[A-Za-z0-9_]+\+?\}))*$|^\/$/;
const SNAKE = /^[a-z][a-z0-9_]*$/;

/**
 * A REST API of API Gateway (`aws_api_gateway_rest_api.<id>_api`): regional or private endpoint, resources created
 * from method paths, Lambda proxy or AWS service integrations, JSON-schema models with request validators, Lambda
 * authorizers, one stage with access logs (JSON lines, own log group), X-Ray, throttling and execution logging, a
 * deployment redeployed whenever the API definition changes, usage plans, JSON gateway responses, and the OpenAPI 3
 * document of the same definitions (`openApiDocument`).
 */
export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly deployment: ApiGatewayDeployment;
  readonly stage: ApiGatewayStage;
  readonly accessLogGroup: CloudwatchLogGroup;
  readonly name: string;
  readonly stageName: string;
  private readonly props: RestApiProps;
  private readonly resources = new Map<string, ApiGatewayResource>();
  private readonly validators = new Map<string, ApiGatewayRequestValidator>();
  private readonly models = new Map<string, Model>();
  private readonly authorizers = new Map<string, Authorizer>();
  private readonly methodList: ApiMethod[] = [];
  /** Plain description of everything deployed (the redeployment hash covers it). */
  private readonly definition: unknown[] = [];
  private readonly dependencies: string[] = [];

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const p = withDefaults(REST_API_DEFAULTS, props);
    const rules: PropRule<typeof p>[] = [
      { field: 'name', valid: (x) => /^[A-Za-z0-9 _.-]{1,1024}$/.test(x.name), expected: '1-1024 characters of [A-Za-z0-9 _.-]' },
      { field: 'endpointType', valid: (x) => ['regional', 'private'].includes(x.endpointType), expected: "'regional' or 'private'" },
      { field: 'vpcEndpointIds', valid: (x) => (x.endpointType === 'private') === ((x.vpcEndpointIds ?? []).length > 0), expected: 'one or more VPC endpoint ids exactly when endpointType is private' },
      { field: 'stageName', valid: (x) => /^[A-Za-z0-9_-]{1,128}$/.test(x.stageName), expected: '1-128 characters of [A-Za-z0-9_-]' },
      { field: 'logRetentionDays', valid: (x) => (LOG_RETENTION_DAYS as readonly number[]).includes(x.logRetentionDays), expected: `one of ${LOG_RETENTION_DAYS.join(', ')}` },
      { field: 'throttle', valid: (x) => validThrottle(x.throttle), expected: '{ rateLimitPerSecond > 0, burstLimit: a whole number >= 1 }' },
      { field: 'executionLogging', valid: (x) => ['OFF', 'ERROR', 'INFO'].includes(x.executionLogging), expected: "'OFF', 'ERROR' or 'INFO'" },
      { field: 'apiKeySource', valid: (x) => ['HEADER', 'AUTHORIZER'].includes(x.apiKeySource), expected: "'HEADER' or 'AUTHORIZER'" },
    ];
    validateProps('RestApi', p, rules);
    this.props = p;
    this.name = p.name;
    this.stageName = p.stageName;

    this.api = new ApiGatewayRestApi(this, 'api', {
      name: p.name,
      description: p.description,
      endpointConfiguration: { types: [p.endpointType === 'private' ? 'PRIVATE' : 'REGIONAL'], vpcEndpointIds: p.endpointType === 'private' ? [...p.vpcEndpointIds!] : undefined },
      apiKeySource: p.apiKeySource,
      // The default execute-api endpoint stays: no custom domain is created here.
      disableExecuteApiEndpoint: false,
      lifecycle: p.preventDestroy ? { preventDestroy: true } : undefined,
      tags: nameTags(p.name),
    });
    if (p.endpointType === 'private') {
      const anyMethod = `${this.api.executionArn}/*`;
      new ApiGatewayRestApiPolicy(this, 'policy', {
        restApiId: this.api.id,
        policy: renderPolicy([
          { sid: 'AllowFromVpcEndpoints', principals: { AWS: '*' }, actions: ['execute-api:Invoke'], resources: [anyMethod] },
          { sid: 'DenyOtherSources', effect: 'Deny', principals: { AWS: '*' }, actions: ['execute-api:Invoke'], resources: [anyMethod], conditions: { StringNotEquals: { 'aws:SourceVpce': [...p.vpcEndpointIds!] } } },
        ]),
      });
    }
    if (p.jsonErrors ?? true) {
      for (const [type, r] of Object.entries(JSON_ERROR_RESPONSES)) {
        const statusCode = type === 'DEFAULT_5XX' ? undefined : String(r.statusCode);
        const response = new ApiGatewayGatewayResponse(this, `response_${type.toLowerCase()}`, {
          restApiId: this.api.id,
          responseType: type,
          statusCode,
          responseTemplates: { 'application/json': `{"error":"${r.error}","message":"${r.message}"}` },
        });
        this.definition.push({ gatewayResponse: type, statusCode, error: r.error, message: r.message });
        this.dependencies.push(response.id);
      }
    }

    this.accessLogGroup = new CloudwatchLogGroup(this, 'access_log_group', {
      name: `/aws/apigateway/${p.name}/access`,
      retentionInDays: p.logRetentionDays,
      tags: nameTags(`/aws/apigateway/${p.name}/access`),
    });
    let account: ApiGatewayAccount | undefined;
    if (p.manageAccountLogRole) {
      const role = new ServiceRole(this, 'cloudwatch_role', {
        roleName: `${p.name}-apigw-cloudwatch`.slice(0, 64),
        assumedBy: 'apigateway.amazonaws.com',
        description: 'API Gateway account setting: writes access and execution logs of every API of the account and region',
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
      });
      account = new ApiGatewayAccount(this, 'account', { cloudwatchRoleArn: role.roleArn });
    }

    this.deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: this.api.id,
      description: `Deployment of ${p.name}`,
      triggers: {
        // Redeploy whenever the API definition (paths, methods, integrations, models, validators, authorizers,
        // gateway responses) or any of its resources changes.
        definition: Lazy.stringValue({ produce: () => createHash('sha256').update(JSON.stringify(this.definition)).digest('hex') }),
        resources: Lazy.stringValue({ produce: () => Fn.sha1(Fn.jsonencode([...this.dependencies])) }),
      },
      lifecycle: { createBeforeDestroy: true },
    });
    this.deployment.dependsOn = [];
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: this.api.id,
      deploymentId: this.deployment.id,
      stageName: p.stageName,
      xrayTracingEnabled: p.tracing,
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: JSON.stringify(ACCESS_LOG_FORMAT) },
      dependsOn: account ? [account] : undefined,
      tags: nameTags(`${p.name}-${p.stageName}`),
    });
    new ApiGatewayMethodSettings(this, 'method_settings', {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        loggingLevel: p.executionLogging,
        dataTraceEnabled: false,
        throttlingRateLimit: p.throttle.rateLimitPerSecond,
        throttlingBurstLimit: p.throttle.burstLimit,
        cachingEnabled: false,
      },
    });
  }

  /** ARN prefix of the API's methods (`arn:aws:execute-api:<region>:<account>:<id>`), for permissions. */
  get executionArn(): string {
    return this.api.executionArn;
  }

  /** Base URL of the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com/v1. */
  get url(): string {
    return this.stage.invokeUrl;
  }

  /** The methods added so far. */
  get methods(): readonly ApiMethod[] {
    return [...this.methodList];
  }

  /** A JSON-schema (draft-04) model for request validation (`aws_api_gateway_model.<id>_model_<name>`). */
  addModel(name: string, schema: JsonSchema, description?: string): Model {
    validateProps('RestApi.addModel', { name, schema }, [
      { field: 'name', valid: (x) => /^[A-Za-z0-9]{1,128}$/.test(x.name), expected: 'an alphanumeric name' },
      { field: 'name', valid: (x) => !this.models.has(x.name), expected: 'a name not used by another model of the API' },
      { field: 'schema', valid: (x) => typeof x.schema === 'object' && x.schema !== null, expected: 'a JSON schema object' },
    ]);
    const content = { $schema: 'http://json-schema.org/draft-04/schema#', title: name, ...schema };
    const resource = new ApiGatewayModel(this, `model_${snake(name)}`, {
      restApiId: this.api.id,
      name,
      description,
      contentType: 'application/json',
      schema: JSON.stringify(content),
    });
    const model = { name, schema, resource };
    this.models.set(name, model);
    this.definition.push({ model: name, schema: content });
    this.dependencies.push(resource.id);
    return model;
  }

  /** A Lambda authorizer (`aws_api_gateway_authorizer.<id>_authorizer_<name>`) and the permission to invoke it. */
  addAuthorizer(options: LambdaAuthorizerOptions): Authorizer {
    const o = { type: 'token' as const, identitySource: 'method.request.header.Authorization', resultTtlSeconds: 300, ...options };
    validateProps('RestApi.addAuthorizer', { ...o, fn: o.fn.node.path }, [
      { field: 'name', valid: (x) => SNAKE.test(x.name) && !this.authorizers.has(x.name), expected: 'a snake_case name not used by another authorizer' },
      { field: 'type', valid: (x) => ['token', 'request'].includes(x.type), expected: "'token' or 'request'" },
      { field: 'resultTtlSeconds', valid: (x) => Number.isInteger(x.resultTtlSeconds) && x.resultTtlSeconds >= 0 && x.resultTtlSeconds <= 3600, expected: 'a whole number from 0 to 3600' },
    ]);
    const resource = new ApiGatewayAuthorizer(this, `authorizer_${o.name}`, {
      restApiId: this.api.id,
      name: o.name,
      type: o.type === 'token' ? 'TOKEN' : 'REQUEST',
      authorizerUri: o.fn.function.invokeArn,
      identitySource: o.identitySource,
      authorizerResultTtlInSeconds: o.resultTtlSeconds,
    });
    new LambdaPermission(this, `authorizer_${o.name}_permission`, {
      statementId: `AllowApiGatewayAuthorizer${pascal(o.name)}`,
      action: 'lambda:InvokeFunction',
      functionName: o.fn.function.functionName,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${this.api.executionArn}/authorizers/${resource.id}`,
    });
    const authorizer = { name: o.name, resource };
    this.authorizers.set(o.name, authorizer);
    this.definition.push({ authorizer: o.name, type: o.type, identitySource: o.identitySource, ttl: o.resultTtlSeconds, fn: o.fn.functionName });
    this.dependencies.push(resource.id);
    return authorizer;
  }

  /**
   * A method on a path (intermediate resources are created once): `aws_api_gateway_method.<id>_<method>_<path>` and its
   * integration; Lambda proxy methods get a permission limited to this method and path.
   */
  addMethod(httpMethod: HttpMethod, path: string, options: MethodOptions): ApiMethod {
    const key = `${httpMethod} ${path}`;
    const view = { httpMethod, path, ...options, integration: options.integration.type, requestModel: options.requestModel?.name, authorizer: options.authorizer?.name };
    validateProps('RestApi.addMethod', view, [
      { field: 'httpMethod', valid: (x) => (HTTP_METHODS as readonly string[]).includes(x.httpMethod), expected: `one of ${HTTP_METHODS.join(', ')}` },
      { field: 'path', valid: (x) => METHOD_PATH.test(x.path), expected: 'a path such as /events/{id}/replay' },
      { field: 'path', valid: () => !this.methodList.some((m) => `${m.httpMethod} ${m.path}` === key), expected: 'a method and path not added before' },
      { field: 'validate', valid: (x) => x.validate === undefined || ['body', 'params', 'all'].includes(x.validate), expected: "'body', 'params' or 'all'" },
      { field: 'validate', valid: (x) => !(x.validate === 'body' || x.validate === 'all') || x.requestModel !== undefined, expected: 'a requestModel when the body is validated' },
      { field: 'apiKeyRequired', valid: (x) => !x.apiKeyRequired || this.props.apiKeySource === 'HEADER' || x.authorizer !== undefined, expected: 'an authorizer (it returns the usage identifier key when apiKeySource is AUTHORIZER)' },
    ]);
    const id = `${httpMethod.toLowerCase()}_${pathId(path)}`;
    const resourceId = this.resourceFor(path);
    const requestParameters: Record<string, boolean> = {};
    for (const [name, required] of Object.entries(options.queryParameters ?? {})) requestParameters[`method.request.querystring.${name}`] = required;
    for (const [name, required] of Object.entries(options.headerParameters ?? {})) requestParameters[`method.request.header.${name}`] = required;
    for (const name of pathParameters(path)) requestParameters[`method.request.path.${name}`] = true;
    const hasParams = Object.keys(requestParameters).length > 0;
    const validate = options.validate ?? (options.requestModel ? (hasParams ? 'all' : 'body') : hasParams ? 'params' : undefined);
    const method = new ApiGatewayMethod(this, `method_${id}`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod,
      authorization: options.authorizer ? 'CUSTOM' : 'NONE',
      authorizerId: options.authorizer?.resource.id,
      apiKeyRequired: options.apiKeyRequired ?? false,
      requestModels: options.requestModel ? { 'application/json': options.requestModel.resource.name } : undefined,
      requestValidatorId: validate ? this.validatorFor(validate).id : undefined,
      requestParameters: hasParams ? requestParameters : undefined,
    });
    const i = options.integration;
    let integration: ApiGatewayIntegration;
    if (i.type === 'lambda') {
      integration = new ApiGatewayIntegration(this, `integration_${id}`, {
        restApiId: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: i.fn.function.invokeArn,
        timeoutMilliseconds: i.timeoutMilliseconds ?? 29_000,
      });
      new LambdaPermission(this, `permission_${id}`, {
        statementId: `AllowApiGateway${pascal(id)}`,
        action: 'lambda:InvokeFunction',
        functionName: i.fn.function.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${this.api.executionArn}/*/${httpMethod === 'ANY' ? '*' : httpMethod}${path.replace(/\{[^}]+\}/g, '*')}`,
      });
    } else {
      integration = new ApiGatewayIntegration(this, `integration_${id}`, {
        restApiId: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        type: 'AWS',
        integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:${i.region}:${i.service}:action/${i.action}`,
        credentials: i.role.roleArn,
        passthroughBehavior: 'NEVER',
        requestTemplates: { ...i.requestTemplates },
        timeoutMilliseconds: i.timeoutMilliseconds ?? 29_000,
      });
      for (const r of i.responses) {
        const status = String(r.statusCode);
        const mr = new ApiGatewayMethodResponse(this, `method_response_${id}_${status}`, { restApiId: this.api.id, resourceId, httpMethod: method.httpMethod, statusCode: status });
        const ir = new ApiGatewayIntegrationResponse(this, `integration_response_${id}_${status}`, {
          restApiId: this.api.id,
          resourceId,
          httpMethod: method.httpMethod,
          statusCode: mr.statusCode,
          selectionPattern: r.selectionPattern,
          responseTemplates: r.responseTemplates ? { ...r.responseTemplates } : undefined,
          dependsOn: [integration],
        });
        this.dependencies.push(ir.id);
      }
    }
    const m: ApiMethod = { httpMethod, path, method, integration, options };
    this.methodList.push(m);
    this.definition.push({
      method: key,
      requestParameters,
      validate,
      requestModel: options.requestModel?.name,
      authorizer: options.authorizer?.name,
      apiKeyRequired: options.apiKeyRequired ?? false,
      integration: i.type === 'lambda' ? { type: 'lambda', fn: i.fn.functionName, timeout: i.timeoutMilliseconds } : { ...i, role: i.role.node.path },
    });
    this.dependencies.push(method.id, integration.id);
    // Plain addresses: Terraform refuses interpolations (`${...}`, what fqn renders) in depends_on.
    this.deployment.dependsOn = [...(this.deployment.dependsOn ?? []), `${method.terraformResourceType}.${method.friendlyUniqueId}`, `${integration.terraformResourceType}.${integration.friendlyUniqueId}`];
    return m;
  }

  /**
   * A usage plan on the stage (`aws_api_gateway_usage_plan.<id>_usage_plan_<name>`) with per-client throttling and
   * quota, and its API keys.
   */
  addUsagePlan(options: UsagePlanOptions): ApiGatewayUsagePlan {
    validateProps('RestApi.addUsagePlan', options, [
      { field: 'name', valid: (x) => SNAKE.test(x.name), expected: 'a snake_case name' },
      { field: 'throttle', valid: (x) => validThrottle(x.throttle), expected: '{ rateLimitPerSecond > 0, burstLimit: a whole number >= 1 }' },
      { field: 'quota', valid: (x) => x.quota === undefined || (Number.isInteger(x.quota.limit) && x.quota.limit >= 1), expected: '{ limit: a whole number >= 1, period }' },
      { field: 'apiKeys', valid: (x) => (x.apiKeys ?? []).every((k) => SNAKE.test(k.name) && (k.value === undefined || (!Token.isUnresolved(k.value) && k.value.length >= 20) || Token.isUnresolved(k.value))), expected: 'keys { name: snake_case, value?: at least 20 characters }' },
    ]);
    const plan = new ApiGatewayUsagePlan(this, `usage_plan_${options.name}`, {
      name: `${this.name}-${options.name.replace(/_/g, '-')}`,
      description: options.description,
      apiStages: [{ apiId: this.api.id, stage: this.stage.stageName }],
      throttleSettings: { rateLimit: options.throttle.rateLimitPerSecond, burstLimit: options.throttle.burstLimit },
      quotaSettings: options.quota ? { limit: options.quota.limit, period: options.quota.period } : undefined,
    });
    for (const k of options.apiKeys ?? []) {
      const key = new ApiGatewayApiKey(this, `api_key_${options.name}_${k.name}`, {
        name: `${this.name}-${k.name.replace(/_/g, '-')}`,
        description: `Usage plan ${options.name} of ${this.name}: client ${k.name}`,
        value: k.value,
        enabled: true,
      });
      new ApiGatewayUsagePlanKey(this, `usage_plan_key_${options.name}_${k.name}`, { keyId: key.id, keyType: 'API_KEY', usagePlanId: plan.id });
    }
    return plan;
  }

  /**
   * The OpenAPI 3.0 document of the API, from the same definitions as the Terraform resources: paths, methods,
   * parameters, request models (JSON schemas), documented responses and the bearer authorizer.
   */
  openApiDocument(info: { readonly title: string; readonly version: string; readonly description?: string }): Record<string, unknown> {
    return openApiDocument(info, this.methodList, [...this.models.values()]);
  }

  private resourceFor(path: string): string {
    if (path === '/') return this.api.rootResourceId;
    const parts = path.split('/').slice(1);
    let parentId = this.api.rootResourceId;
    let sofar = '';
    for (const part of parts) {
      sofar += `/${part}`;
      let r = this.resources.get(sofar);
      if (!r) {
        r = new ApiGatewayResource(this, `resource_${pathId(sofar)}`, { restApiId: this.api.id, parentId, pathPart: part });
        this.resources.set(sofar, r);
        this.definition.push({ resource: sofar });
        this.dependencies.push(r.id);
      }
      parentId = r.id;
    }
    return parentId;
  }

  private validatorFor(kind: 'body' | 'params' | 'all'): ApiGatewayRequestValidator {
    let v = this.validators.get(kind);
    if (!v) {
      v = new ApiGatewayRequestValidator(this, `validator_${kind}`, {
        restApiId: this.api.id,
        name: `${this.name}-${kind}`,
        validateRequestBody: kind !== 'params',
        validateRequestParameters: kind !== 'body',
      });
      this.validators.set(kind, v);
      this.dependencies.push(v.id);
    }
    return v;
  }
}

/** The OpenAPI 3.0 document of a set of methods and models (RestApi.openApiDocument; also usable without a stack). */
export function openApiDocument(
  info: { readonly title: string; readonly version: string; readonly description?: string },
  methods: readonly Pick<ApiMethod, 'httpMethod' | 'path' | 'options'>[],
  models: readonly Pick<Model, 'name' | 'schema'>[],
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const sorted = [...methods].sort((a, b) => (a.path === b.path ? a.httpMethod.localeCompare(b.httpMethod) : a.path.localeCompare(b.path)));
  const usesAuth = sorted.some((m) => m.options.authorizer);
  for (const m of sorted) {
    const o = m.options;
    const describe = (name: string) => (o.parameterDescriptions?.[name] ? { description: o.parameterDescriptions[name] } : {});
    const parameters = [
      ...pathParameters(m.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' }, ...describe(name) })),
      ...Object.entries(o.queryParameters ?? {}).map(([name, required]) => ({ name, in: 'query', required, schema: { type: 'string' }, ...describe(name) })),
      ...Object.entries(o.headerParameters ?? {}).map(([name, required]) => ({ name, in: 'header', required, schema: { type: 'string' }, ...describe(name) })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(o.responses ?? {})) {
      responses[status] = { description: r.description, ...(r.model ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.model.name}` } } } } : {}) };
    }
    if (!Object.keys(responses).length) responses.default = { description: 'Response of the integration' };
    (paths[m.path] ??= {})[m.httpMethod.toLowerCase()] = {
      ...(o.summary ? { summary: o.summary } : {}),
      operationId: `${m.httpMethod.toLowerCase()}${m.path.split('/').map((s) => s.replace(/[{}+]/g, '')).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('')}`,
      ...(parameters.length ? { parameters } : {}),
      ...(o.requestModel ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${o.requestModel.name}` } } } } } : {}),
      responses,
      ...(o.authorizer ? { security: [{ bearer: [] }] } : { security: [] }),
    };
  }
  const schemas = Object.fromEntries([...models].sort((a, b) => a.name.localeCompare(b.name)).map((m) => [m.name, stripDraft04(m.schema)]));
  return {
    openapi: '3.0.3',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    paths,
    components: { schemas, ...(usesAuth ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } } : {}) },
  };
}

/** OpenAPI 3.0 schemas are a JSON-schema dialect without $schema; draft-04 fields otherwise carry over. */
function stripDraft04(schema: JsonSchema): JsonSchema {
  const { $schema: _drop, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function validThrottle(t: ThrottleSettings | undefined): boolean {
  return t !== undefined && Number.isFinite(t.rateLimitPerSecond) && t.rateLimitPerSecond > 0 && Number.isInteger(t.burstLimit) && t.burstLimit >= 1;
}

function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1]);
}

/** "/events/{id}/replay" -> "events_id_replay"; "/" -> "root". */
function pathId(path: string): string {
  const id = path.replace(/[{}+]/g, '').split('/').filter(Boolean).join('_').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
  return id || 'root';
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function pascal(id: string): string {
  return id.replace(/(^|_)([a-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());
}
