import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant } from '../helpers';

export const sqsDeadLetterQueue: Rule = {
  id: 'CH-SQS-003',
  severity: 'warning',
  resourceTypes: ['aws_sqs_queue'],
  title: 'SQS queue has a dead-letter queue (redrive policy)',
  why: 'A poison message is otherwise retried until it expires, and its failure is invisible.',
  fix: 'set redrive_policy with deadLetterTargetArn and maxReceiveCount (modules/queue does)',
  check(queue, context) {
    // A queue that is itself some queue's DLQ needs none.
    const isDlq = context.referencing(queue.address, 'aws_sqs_queue').some((q) => typeof q.config.redrive_policy === 'string' && q.config.redrive_policy.includes(`\${${queue.address}.arn}`))
      || context.referencing(queue.address, 'aws_sqs_queue_redrive_policy').length > 0
      || queue.config.redrive_allow_policy !== undefined;
    if (isDlq) return NOT_APPLICABLE;
    const hasRedrive = queue.config.redrive_policy !== undefined || context.referencing(queue.address, 'aws_sqs_queue_redrive_policy').length > 0;
    return hasRedrive ? COMPLIANT : nonCompliant('no redrive_policy: failed messages have nowhere to go');
  },
};
