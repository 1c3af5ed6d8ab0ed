import type { ResourceView, Rule, RuleContext } from '../types';
import { COMPLIANT, NOT_APPLICABLE, block, blocks, nonCompliant } from '../helpers';
import { GUARDRAILS_DEFAULTS } from '../defaults';

/** What invokes the function asynchronously (event-driven sources that do not wait for the result). */
function asyncSources(fn: ResourceView, context: RuleContext): string[] {
  return context.referencing(fn.address)
    .filter((r) => {
      switch (r.type) {
        case 'aws_lambda_permission':
          return GUARDRAILS_DEFAULTS.asyncInvokePrincipals.includes(String(r.config.principal));
        case 'aws_sns_topic_subscription':
          return r.config.protocol === 'lambda';
        case 'aws_cloudwatch_event_target':
        case 'aws_s3_bucket_notification':
        case 'aws_scheduler_schedule':
        case 'aws_pipes_pipe':
          return true;
        default:
          return false;
      }
    })
    .map((r) => r.address);
}

export const lambdaAsyncFailureDestination: Rule = {
  id: 'CH-LAMBDA-001',
  severity: 'error',
  resourceTypes: ['aws_lambda_function'],
  title: 'Lambda with asynchronous sources has a DLQ or an on-failure destination',
  why: 'Lambda drops an asynchronous event after two retries; without a DLQ or on-failure destination the event is lost silently.',
  fix: 'set dead_letter_config { target_arn = <SQS queue> } or add aws_lambda_function_event_invoke_config with destination_config.on_failure',
  checkov: ['CKV_AWS_116'],
  check(fn, context) {
    const sources = asyncSources(fn, context);
    if (!sources.length) return NOT_APPLICABLE;
    if (block(fn.config.dead_letter_config).target_arn) return COMPLIANT;
    const onFailure = context.referencing(fn.address, 'aws_lambda_function_event_invoke_config')
      .some((c) => blocks(block(c.config.destination_config).on_failure).some((d) => !!d.destination));
    return onFailure ? COMPLIANT : nonCompliant(`invoked asynchronously by ${sources.join(', ')} but has no dead_letter_config and no on-failure destination`);
  },
};
