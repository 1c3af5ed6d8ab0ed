/** Defaults of the RestApi construct (merged under the caller's props). */
export const REST_API_DEFAULTS = {
  /** Stage (and base path segment) name. */
  stageName: 'v1',
  /** Stage-wide steady-state request rate, requests per second. */
  throttle: { rateLimitPerSecond: 100, burstLimit: 200 },
  /** X-Ray tracing of the stage. */
  tracing: true,
  /** Execution logging of the stage (needs the account's API Gateway CloudWatch role). */
  executionLogging: 'ERROR' as 'OFF' | 'ERROR' | 'INFO',
  /** Create the account-level API Gateway CloudWatch role (aws_api_gateway_account): one per account and region. */
  manageAccountLogRole: false,
  /** Largest request body API Gateway accepts is 10 MB; nothing to set. Bodies above this are compressed in responses. */
  minimumCompressionSizeBytes: -1,
  /** How a method reads a usage-plan API key: the x-api-key header or the authorizer's usageIdentifierKey. */
  apiKeySource: 'HEADER' as 'HEADER' | 'AUTHORIZER',
  /** Refuse to delete the API with `terraform destroy`. */
  preventDestroy: false,
} as const;

/** HTTP methods API Gateway accepts on a resource. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

/** Access log line (JSON, one per request): what the request was, who made it, how it ended. */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  principalId: '$context.authorizer.principalId',
  apiKeyId: '$context.identity.apiKeyId',
  errorMessage: '$context.error.message',
  validationError: '$context.error.validationErrorString',
  wafResponseCode: '$context.wafResponseCode',
} as const;

/** Gateway responses rendered as JSON `{ error, message }` (RestApi.jsonErrors). */
export const JSON_ERROR_RESPONSES = {
  BAD_REQUEST_BODY: { statusCode: 400, error: 'bad_request', message: '$context.error.validationErrorString' },
  BAD_REQUEST_PARAMETERS: { statusCode: 400, error: 'bad_request', message: '$context.error.validationErrorString' },
  UNAUTHORIZED: { statusCode: 401, error: 'unauthorized', message: '$context.error.messageString' },
  ACCESS_DENIED: { statusCode: 403, error: 'forbidden', message: '$context.error.messageString' },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, error: 'not_found', message: 'no such route' },
  THROTTLED: { statusCode: 429, error: 'throttled', message: '$context.error.messageString' },
  QUOTA_EXCEEDED: { statusCode: 429, error: 'quota_exceeded', message: '$context.error.messageString' },
  REQUEST_TOO_LARGE: { statusCode: 413, error: 'payload_too_large', message: '$context.error.messageString' },
  WAF_FILTERED: { statusCode: 403, error: 'forbidden', message: 'request blocked by the web ACL' },
  DEFAULT_5XX: { statusCode: 502, error: 'bad_gateway', message: '$context.error.messageString' },
} as const;
