import type { Rule } from '../types';
import { COMPLIANT, block, nonCompliant, show } from '../helpers';

export const lambdaTracing: Rule = {
  id: 'CH-LAMBDA-003',
  severity: 'warning',
  resourceTypes: ['aws_lambda_function'],
  title: 'Lambda X-Ray tracing active',
  why: 'Traces show where a slow or failing request spent its time across functions, queues and tables.',
  fix: 'set tracing_config { mode = "Active" } and allow xray:PutTraceSegments / xray:PutTelemetryRecords',
  checkov: ['CKV_AWS_50'],
  check(fn) {
    const mode = block(fn.config.tracing_config).mode;
    return mode === 'Active' ? COMPLIANT : nonCompliant(`tracing_config.mode is ${show(mode)}`);
  },
};
