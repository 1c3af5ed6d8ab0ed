import type { Rule } from '../types';
import { NOT_APPLICABLE, numberOf, verdict } from '../helpers';

/** Terraform defaults when the arguments are not set. */
const DEFAULT_VISIBILITY_SECONDS = 30;
const DEFAULT_LAMBDA_TIMEOUT_SECONDS = 3;

export const sqsVisibilityTimeout: Rule = {
  id: 'CH-SQS-002',
  severity: 'error',
  resourceTypes: ['aws_sqs_queue'],
  title: 'SQS visibility timeout >= 6 x the timeout of the consuming Lambda (+ batching window)',
  why: 'A shorter visibility timeout lets a message reappear while the function still works on it: duplicates, then the DLQ.',
  fix: "set the queue's visibility_timeout_seconds to at least 6 x the function's timeout plus maximum_batching_window_in_seconds",
  check(queue, context) {
    const mappings = context.referencing(queue.address, 'aws_lambda_event_source_mapping').filter((m) => context.target(m.config.event_source_arn) === queue.address);
    const problems: string[] = [];
    let consumers = 0;
    const visibility = numberOf(queue.config.visibility_timeout_seconds ?? DEFAULT_VISIBILITY_SECONDS);
    for (const mapping of mappings) {
      const fn = context.get(context.target(mapping.config.function_name) ?? '');
      if (!fn || fn.type !== 'aws_lambda_function') continue;
      consumers++;
      const timeout = numberOf(fn.config.timeout ?? DEFAULT_LAMBDA_TIMEOUT_SECONDS);
      const window = numberOf(mapping.config.maximum_batching_window_in_seconds ?? 0) ?? 0;
      if (visibility === undefined || timeout === undefined) continue;
      const needed = 6 * timeout + window;
      if (visibility < needed) problems.push(`visibility_timeout_seconds is ${visibility}; ${fn.address} has timeout ${timeout} s${window ? ` and the mapping a ${window} s batching window` : ''}, so it needs at least ${needed}`);
    }
    return consumers ? verdict(problems) : NOT_APPLICABLE;
  },
};
