/**
 * Auth (TOKEN authorizer): verifies the bearer JWT and returns the role's policy (every method it may call), the
 * principal as context for the functions, and, for per-client usage plans, the client's usage identifier key.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { authorizerPolicy, verifyToken, type KeySource, type TokenSettings } from '../shared/auth';

export interface AuthDeps {
  readonly keys: KeySource;
  readonly settings: TokenSettings;
  /** Client (JWT sub) → usage plan key; clients not listed get `default`. */
  readonly usageKeys: Readonly<Record<string, string>>;
  readonly now: () => number;
}

/** Throws "Unauthorized" (API Gateway answers 401) for a missing or invalid token. */
export async function authorize(event: APIGatewayTokenAuthorizerEvent, deps: AuthDeps): Promise<APIGatewayAuthorizerResult> {
  let principal;
  try {
    principal = await verifyToken(event.authorizationToken, deps.keys, deps.settings, deps.now());
  } catch {
    throw new Error('Unauthorized');
  }
  const usageKey = deps.usageKeys[principal.sub] ?? deps.usageKeys.default;
  return authorizerPolicy(event.methodArn, principal, usageKey) as APIGatewayAuthorizerResult;
}
