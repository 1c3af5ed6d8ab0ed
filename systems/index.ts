/**
 * Every system of the platform and how it adds its stacks (`<system>-<env>`) to the app.
 * main.ts creates the stacks of each environment from this table and nothing else.
 */
import type { App, TerraformStack } from 'cdktf';
import type { Environment, SystemName } from '../environments/lib/schema';
import { addClassifyHubStacks } from './classifyhub/app';
import { addOnboardingStacks } from './onboarding/app';
import { addWebhooksStacks } from './webhooks/app';
import { addIngestionStacks } from './ingestion/app';
import { addRecallStacks } from './recall/app';

/** Each system's stack factory; it receives every environment and keeps those that run it. */
export const SYSTEM_APPS: Record<SystemName, (app: App, environments: readonly Environment[]) => readonly TerraformStack[]> = {
  classifyhub: (app, environments) => addClassifyHubStacks(app, environments.filter((e) => e.systems.includes('classifyhub'))),
  onboarding: addOnboardingStacks,
  webhooks: addWebhooksStacks,
  ingestion: addIngestionStacks,
  recall: addRecallStacks,
};
