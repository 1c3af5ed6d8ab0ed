import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, show } from '../helpers';
import { LAMBDA_RUNTIME_TABLE, runtimeStatus } from '../shared/lambda-runtimes';

export const lambdaRuntimeSupported: Rule = {
  id: 'CH-LAMBDA-004',
  severity: 'error',
  resourceTypes: ['aws_lambda_function'],
  title: 'Lambda runtime not deprecated (runtime table in shared/lambda-runtimes.ts)',
  why: 'A deprecated runtime gets no security patches, and Lambda soon blocks creating and then updating functions on it, so the next deploy fails.',
  fix: 'use LAMBDA_RUNTIME (modules/function/defaults.ts); a runtime missing from the table needs its AWS deprecation date added',
  checkov: ['CKV_AWS_363'],
  check(fn) {
    const runtime = fn.config.runtime;
    // Container images (package_type Image) bring their own runtime.
    if (runtime === undefined && fn.config.package_type === 'Image') return NOT_APPLICABLE;
    if (typeof runtime !== 'string') return nonCompliant(`runtime is ${show(runtime)}`);
    const { status, date } = runtimeStatus(runtime);
    const checked = LAMBDA_RUNTIME_TABLE.checkedOn;
    if (status === 'deprecated') return nonCompliant(`runtime "${runtime}" was deprecated on ${date} (runtime table checked on ${checked})`);
    if (status === 'unknown') return nonCompliant(`runtime "${runtime}" is not in the runtime table (checked on ${checked}); add its deprecation date`);
    return COMPLIANT;
  },
};
