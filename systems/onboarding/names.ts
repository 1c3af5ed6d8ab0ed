import * as path from 'node:path';
import type { Environment } from '../../environments/lib/schema';

/**
 * The functions, by their folder under lambdas/: the three of seed 002, then (issue 14) the vendor
 * upload path, the 7-day report link and the catalog that deploys itself.
 */
export const ONBOARDING_FUNCTIONS = ['csv-parser', 'product-validator', 'error-processor', 'report-link', 'upload-url', 'catalog-migrator'] as const;
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
    /** The functions that never reach the database (report-link, upload-url): HTTPS out only. */
    httpLambdaSecurityGroup: `${prefix}-http-lambda`,
    /** HS256 key of the error reports' 7-day links (value created by error-processor on first use). */
    reportLinkKeySecret: `${prefix}/report-link-key`,
    /** HS256 key vendor tokens are signed with (value put by the operator or the vendor portal). */
    vendorTokenKeySecret: `${prefix}/vendor-token-key`,
    functionName: (fn: OnboardingFunctionName) => `${prefix}-${fn}`,
  } as const;
}

export type OnboardingNames = ReturnType<typeof onboardingNames>;
