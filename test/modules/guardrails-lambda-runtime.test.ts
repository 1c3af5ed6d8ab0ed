/**
 * CH-LAMBDA-004 and the runtime table: every function of the platform runs LAMBDA_RUNTIME, a
 * deprecated or unknown runtime fails synth with the date, and the table is well-formed data.
 */
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LambdaFunction, LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';
import { ReadableStack } from '../../modules/core/stack';
import { Guardrails, GuardrailsError, GuardrailsReport, LAMBDA_RUNTIME_TABLE, RULES, runtimeStatus } from '../../modules/guardrails';
import { BUNDLE_DEFAULTS, FUNCTION_DEFAULTS, LAMBDA_RUNTIME, LAMBDA_RUNTIMES } from '../../modules/function/defaults';

const RULE_ID = 'CH-LAMBDA-004';

function report(build: (s: Construct) => void): GuardrailsReport {
  const app = Testing.app();
  const stack = new ReadableStack(app, 'fixture');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  const guardrails = Guardrails.apply(stack, { tier: 'dev', rules: RULES.filter((r) => r.id === RULE_ID), output: { info: () => undefined, warn: () => undefined } });
  Testing.synth(stack);
  return guardrails.report();
}

const fn = (s: Construct, id: string, extra: Partial<LambdaFunctionConfig>) =>
  new LambdaFunction(s, id, { functionName: id, role: 'arn:aws:iam::111111111111:role/r', handler: 'index.handler', filename: 'f.zip', ...extra });

describe('the runtime table', () => {
  test('is dated, and every date is a real ISO date', () => {
    expect(LAMBDA_RUNTIME_TABLE.checkedOn).toBe('2026-12-04');
    for (const [runtime, date] of [['checkedOn', LAMBDA_RUNTIME_TABLE.checkedOn], ...Object.entries(LAMBDA_RUNTIME_TABLE.deprecation)]) {
      expect([runtime, date]).toEqual([runtime, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
      expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
    }
  });

  test('nodejs20.x is deprecated (30 April 2026); the platform runtime is not', () => {
    expect(runtimeStatus('nodejs20.x')).toEqual({ status: 'deprecated', date: '2026-04-30' });
    expect(runtimeStatus(LAMBDA_RUNTIME).status).toBe('supported');
    expect(runtimeStatus('nodejs99.x')).toEqual({ status: 'unknown' });
  });
});

describe('one runtime constant', () => {
  test('the module offers and defaults to nodejs22.x, and bundles target Node 22', () => {
    expect(LAMBDA_RUNTIME).toBe('nodejs22.x');
    expect(LAMBDA_RUNTIMES).toEqual([LAMBDA_RUNTIME]);
    expect(FUNCTION_DEFAULTS.runtime).toBe(LAMBDA_RUNTIME);
    expect(BUNDLE_DEFAULTS.target).toBe(`node${/^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME)![1]}`);
  });
});

describe(`${RULE_ID} (error)`, () => {
  test('compliant: the platform runtime; container images are not applicable', () => {
    const r = report((s) => {
      fn(s, 'current', { runtime: LAMBDA_RUNTIME });
      fn(s, 'image', { filename: undefined, packageType: 'Image', imageUri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/f:1', handler: undefined });
    });
    expect(r.errors).toEqual([]);
    expect(r.counts[RULE_ID]).toEqual({ compliant: 1, nonCompliant: 0, notApplicable: 1 });
  });

  test('non-compliant: deprecated and unknown runtimes are errors that say why', () => {
    const r = report((s) => {
      fn(s, 'old_node', { runtime: 'nodejs20.x' });
      fn(s, 'old_python', { runtime: 'python3.9' });
      fn(s, 'unknown', { runtime: 'nodejs99.x' });
    });
    expect(r.errors.map((f) => `${f.address}: ${f.detail}`)).toEqual([
      'aws_lambda_function.old_node: runtime "nodejs20.x" was deprecated on 2026-04-30 (runtime table checked on 2026-12-04)',
      'aws_lambda_function.old_python: runtime "python3.9" was deprecated on 2025-12-15 (runtime table checked on 2026-12-04)',
      'aws_lambda_function.unknown: runtime "nodejs99.x" is not in the runtime table (checked on 2026-12-04); add its deprecation date',
    ]);
  });

  test('a deprecated runtime fails synth of the app', () => {
    const app = Testing.app();
    const stack = new ReadableStack(app, 'fixture');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    fn(stack, 'old_node', { runtime: 'nodejs20.x', tracingConfig: { mode: 'Active' } });
    Guardrails.apply(stack, { tier: 'dev', output: { info: () => undefined, warn: () => undefined } });
    expect(() => app.synth()).toThrow(GuardrailsError);
    expect(() => app.synth()).toThrow(/CH-LAMBDA-004.*\n?.*nodejs20\.x/);
  });
});
