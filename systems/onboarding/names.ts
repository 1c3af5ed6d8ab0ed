import * as path from 'node:path';
import type { Environment } from '../../environments/lib/schema';

/** The three functions of seed 002, by their folder under lambdas/. */
export const ONBOARDING_FUNCTIONS = ['csv-parser', 'product-validator', 'error-processor'] as const;
export type OnboardingFunctionName = (typeof ONBOARDING_FUNCTIONS)[number];

/** Repository folder holding the Lambda sources. */
export const LAMBDAS_DIR = path.resolve(__dirname, '..', '..', 'lambdas', 'onboarding');

/** Entry point of a function: lambdas/onboarding/<name>/index.ts (exports `handler`). */
export function lambdaEntry(fn: OnboardingFunctionName): string {
  return path.join(LAMBDAS_DIR, fn, 'index.ts');
}

/** Construct id (Terraform address part) of a function: "csv-parser" -> "csv_parser". */
export function functionId(fn: OnboardingFunctionName): string {
  return fn.replace(/-/g, '_');
}

/**
 * Every name the onboarding system derives from an environment, in one place.
 * AWS names carry the environment (`onboarding-<env>-...`), so several
 * environments can share an account.
 */
export function onboardingNames(env: Pick<Environment, 'name' | 'account'>) {
  const prefix = `onboarding-${env.name}`;
  return {
    prefix,
    stack: prefix,
    /** Seed: ecommerce-product-uploads-{account-id}. */
    uploadsBucket: `${prefix}-product-uploads-${env.account.id}`,
    /** Seed: UploadRecords. */
    uploadRecordsTable: `${prefix}-UploadRecords`,
    /** Powertools idempotency records of the functions (not in the seed; the Lambda code needs it). */
    idempotencyTable: `${prefix}-idempotency`,
    /** Seed: product-validation-errors (DLQ product-validation-errors-dlq). */
    validationErrorsQueue: `${prefix}-product-validation-errors`,
    /** Seed: product-upload-notifications. */
    notificationTopic: `${prefix}-product-upload-notifications`,
    /** Seed: ecommerce-db. */
    databaseIdentifier: `${prefix}-db`,
    /** KMS key of the RDS credentials secret (seed: Secrets Manager with a CMK). */
    databaseSecretKeyAlias: `alias/${prefix}-rds-credentials`,
    lambdaSecurityGroup: `${prefix}-lambda`,
    functionName: (fn: OnboardingFunctionName) => `${prefix}-${fn}`,
  } as const;
}

export type OnboardingNames = ReturnType<typeof onboardingNames>;
