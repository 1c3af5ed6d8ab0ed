import type { App } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';
import { RecallStack } from './stack';
import { recallNames } from './names';

/** Adds the recall stack (`recall-<env>`) of each environment that runs the system. */
export function addRecallStacks(app: App, environments: readonly Environment[]): RecallStack[] {
  return environments
    .filter((e) => e.systems.includes('recall'))
    .map((environment) => new RecallStack(app, recallNames(environment, environment.recall!.domain.name).stack, { environment }));
}
