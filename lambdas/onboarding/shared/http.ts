/** Function URL responses of the onboarding's HTTP functions (report-link, upload-url). */

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A JSON error body `{ "error": message }`, never cached. */
export function jsonError(statusCode: number, message: string, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify({ error: message }) };
}

export function jsonOk(body: unknown): HttpResponse {
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

/** The part of a Lambda function URL event (payload 2.0) the functions read. */
export interface FunctionUrlEvent {
  readonly rawPath?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly http?: { readonly method?: string } };
}

export const methodOf = (event: FunctionUrlEvent): string => event.requestContext?.http?.method?.toUpperCase() ?? '';

export function bodyOf(event: FunctionUrlEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
