/** Lambda entry point (bundled by the stack): API create-event. Thin: the route logic is createEventCore (core.ts). */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lazy } from '../../lib/lazy';
import { runApi } from '../shared/api';
import { apiDepsFromEnv } from '../shared/runtime';
import { createEventCore } from './core';

const deps = lazy(() => apiDepsFromEnv());

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return runApi(event, async (req) => createEventCore(req, await deps()));
}
