import type { App } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';
import { IngestionStack } from './stack';
import { ingestionNames } from './names';

/** Adds the ingestion stack (`ingestion-<env>`) of each environment that runs the system. */
export function addIngestionStacks(app: App, environments: readonly Environment[]): IngestionStack[] {
  return environments
    .filter((environment) => environment.systems.includes('ingestion'))
    .map((environment) => new IngestionStack(app, ingestionNames(environment).stack, { environment }));
}
