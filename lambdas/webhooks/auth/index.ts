/** Lambda entry point (bundled by the stack): the API's TOKEN authorizer (core.ts). */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { ENV } from '../shared/config';
import { tokenConfigFromEnv } from '../shared/runtime';
import { authorize } from './core';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'auth' });
const usageKeys = JSON.parse(process.env[ENV.usageKeys] ?? '{}') as Record<string, string>;

export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  try {
    return await authorize(event, { ...tokenConfigFromEnv(), usageKeys, now: Date.now });
  } catch (e) {
    logger.info('token refused', { reason: (e as Error).message });
    throw e;
  }
}
