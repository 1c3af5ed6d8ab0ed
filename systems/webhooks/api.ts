/**
 * The webhooks REST API from the route table and JSON schemas of lambdas/webhooks/shared: the stack builds API Gateway
 * from it, and the OpenAPI document (docs/webhooks-openapi.json) is rendered from the same definitions.
 */
import { Construct } from 'constructs';
import { RestApi, openApiDocument, type ApiMethod, type Authorizer, type Model, type ResponseDoc } from '../../modules/api-gateway';
import type { LambdaFunction } from '../../modules/function';
import { ROUTES, type ApiFunction } from '../../lambdas/webhooks/shared/routes';
import { SCHEMAS, REQUEST_MODELS, type SchemaName } from '../../lambdas/webhooks/shared/schemas';
import { WEBHOOKS_SETTINGS as S } from './settings';

export interface DefineApiProps {
  readonly name: string;
  readonly logRetentionDays: number;
  readonly throttle: { readonly rateLimitPerSecond: number; readonly burstLimit: number };
  readonly manageAccountLogRole: boolean;
  readonly authorizerFn: LambdaFunction;
  readonly functions: Readonly<Record<ApiFunction, LambdaFunction>>;
  readonly clients: readonly { readonly name: string; readonly rateLimitPerSecond: number; readonly burstLimit: number }[];
  readonly defaultClientThrottle: { readonly rateLimitPerSecond: number; readonly burstLimit: number };
  /** Client → usage identifier key (the authorizer returns it). */
  readonly usageKeys: Readonly<Record<string, string>>;
}

/** The usage identifier key of a client: an identifier the authorizer returns, never shown to clients (>= 20 characters). */
export function usageKeyValue(prefix: string, client: string): string {
  return `${prefix}-usage-${client}`.padEnd(20, '0');
}

const ERROR_TEXT: Record<number, string> = { 400: 'Bad request: the message names the field and the value received', 401: 'Missing or invalid bearer token', 403: 'The token\'s role may not call this method', 404: 'Not found', 409: 'Conflict (Idempotency-Key reused with another body, or nothing to replay)', 429: 'Throttled (stage, usage plan or WAF rate limit)' };

/** Methods (route → method options) and models, without a stack: the OpenAPI document comes from these too. */
function methodOptions(models: ReadonlyMap<SchemaName, Pick<Model, 'name' | 'schema'>>, authorizer: Authorizer | undefined, fn: (f: ApiFunction) => LambdaFunction | undefined) {
  return ROUTES.map((r) => {
    const responses: Record<number, ResponseDoc> = { [r.success.status]: { description: r.success.description, ...(r.success.model ? { model: models.get(r.success.model) as Model } : {}) } };
    for (const status of [...r.errors, 401, 403, 429]) responses[status] = { description: ERROR_TEXT[status], model: models.get('Error') as Model };
    return {
      httpMethod: r.method,
      path: r.path,
      options: {
        integration: { type: 'lambda' as const, fn: fn(r.fn)! },
        requestModel: r.requestModel ? (models.get(r.requestModel) as Model) : undefined,
        queryParameters: r.query ? Object.fromEntries(Object.keys(r.query).map((q) => [q, false])) : undefined,
        headerParameters: r.idempotent ? { 'Idempotency-Key': false } : undefined,
        parameterDescriptions: { ...(r.query ?? {}), ...(r.idempotent ? { 'Idempotency-Key': 'Repeating a request with the same key returns the first response (24 h)' } : {}), id: 'Endpoint or event id' },
        authorizer,
        apiKeyRequired: true,
        summary: `${r.summary} (roles: ${r.roles.join(', ')})`,
        responses,
      },
    };
  });
}

export function defineApi(scope: Construct, props: DefineApiProps): RestApi {
  const api = new RestApi(scope, 'api', {
    name: props.name,
    description: 'Webhook notifications (seed 004)',
    endpointType: 'regional',
    logRetentionDays: props.logRetentionDays,
    throttle: props.throttle,
    manageAccountLogRole: props.manageAccountLogRole,
    apiKeySource: 'AUTHORIZER',
  });
  const authorizer = api.addAuthorizer({ name: 'jwt', fn: props.authorizerFn, resultTtlSeconds: S.authorizerCacheSeconds });
  const models = new Map<SchemaName, Model>();
  for (const name of REQUEST_MODELS) models.set(name, api.addModel(name, SCHEMAS[name] as Record<string, unknown>));
  const docModels = docOnlyModels();
  const all = new Map<SchemaName, Pick<Model, 'name' | 'schema'>>([...docModels, ...models]);
  for (const m of methodOptions(all, authorizer, (f) => props.functions[f])) api.addMethod(m.httpMethod, m.path, m.options);
  for (const c of [{ name: 'default', ...props.defaultClientThrottle }, ...props.clients]) {
    api.addUsagePlan({ name: `client_${c.name}`, description: `Per-client limits of ${c.name}`, throttle: { rateLimitPerSecond: c.rateLimitPerSecond, burstLimit: c.burstLimit }, apiKeys: [{ name: c.name, value: props.usageKeys[c.name] }] });
  }
  return api;
}

/** Response models appear only in the OpenAPI document (API Gateway validates requests only). */
function docOnlyModels(): Map<SchemaName, Pick<Model, 'name' | 'schema'>> {
  return new Map((Object.keys(SCHEMAS) as SchemaName[]).map((n) => [n, { name: n, schema: SCHEMAS[n] as Record<string, unknown> }]));
}

/** The OpenAPI 3 document of the API (docs/webhooks-openapi.json; test/systems/webhooks checks it is up to date). */
export function webhooksOpenApi(): Record<string, unknown> {
  const models = docOnlyModels();
  const methods = methodOptions(models, { name: 'jwt' } as Authorizer, () => undefined) as unknown as Pick<ApiMethod, 'httpMethod' | 'path' | 'options'>[];
  return openApiDocument(
    {
      title: 'Webhooks API',
      version: '1.0.0',
      description: 'Webhook notifications (seed 004). Bearer JWT (roles admin, publisher, reader). Deliveries are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). Errors: JSON { error, message }.',
    },
    methods,
    [...models.values()],
  );
}
