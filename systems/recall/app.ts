import type { App, TerraformStack } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';

/** Adds the recall stack (`recall-<env>`) of each environment that runs the system. */
export function addRecallStacks(_app: App, environments: readonly Environment[]): TerraformStack[] {
  // TODO(recall): one stack per environment that runs the system.
  return environments.filter((e) => e.systems.includes('recall')).map(() => {
    throw new Error('the recall system is not built yet');
  });
}
