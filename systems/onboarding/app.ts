import { App } from 'cdktf';
import type { Environment } from '../../environments/lib/schema';
import { OnboardingStack } from './stack';
import { onboardingNames } from './names';

/** Adds the onboarding stack of each environment that runs the system. */
export function addOnboardingStacks(app: App, environments: readonly Environment[]): OnboardingStack[] {
  return environments
    .filter((environment) => environment.systems.includes('onboarding'))
    .map((environment) => new OnboardingStack(app, onboardingNames(environment).stack, { environment }));
}
