import type { App, TerraformStack } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';

/** Adds the ingestion stack (`ingestion-<env>`) of each environment that runs the system. */
export function addIngestionStacks(_app: App, environments: readonly Environment[]): TerraformStack[] {
  // TODO(ingestion): one stack per environment that runs the system.
  return environments.filter((e) => e.systems.includes('ingestion')).map(() => {
    throw new Error('the ingestion system is not built yet');
  });
}
