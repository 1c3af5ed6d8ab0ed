import { App } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';
import { ClassifyHubStack } from './stack';
import { classifyHubNames } from './names';
import type { StageSlug } from './stages';

/** Adds the ClassifyHub stack of each environment to an app. */
export function addClassifyHubStacks(app: App, environments: readonly Environment[]): ClassifyHubStack[] {
  return environments.map((environment) => new ClassifyHubStack(app, classifyHubNames(environment).stack, { environment }));
}

/** The environment as it would be at another stage (same settings otherwise). */
export function atStage(environment: Environment, stage: StageSlug): Environment {
  return { ...environment, classifyhub: { ...environment.classifyhub, stage } };
}
