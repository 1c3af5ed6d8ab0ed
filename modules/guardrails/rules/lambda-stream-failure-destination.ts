import type { Rule } from '../types';
import { COMPLIANT, NOT_APPLICABLE, block, nonCompliant } from '../helpers';

export const lambdaStreamFailureDestination: Rule = {
  id: 'CH-LAMBDA-002',
  severity: 'warning',
  resourceTypes: ['aws_lambda_event_source_mapping'],
  title: 'Kinesis / DynamoDB stream mappings send failed batches to an on-failure destination',
  why: 'A failing record is retried until it expires and blocks its shard meanwhile; an on-failure destination keeps the stream moving and the record.',
  fix: 'set destination_config { on_failure { destination_arn = <SQS queue or SNS topic> } }, maximum_retry_attempts and bisect_batch_on_function_error',
  check(mapping, context) {
    const source = mapping.config.event_source_arn;
    const address = context.target(source);
    const isStream = address?.startsWith('aws_kinesis_stream.') || address?.startsWith('aws_dynamodb_table.')
      || (typeof source === 'string' && (/^arn:aws[a-z-]*:kinesis:/.test(source) || /:dynamodb:.*\/stream\//.test(source)));
    if (!isStream) return NOT_APPLICABLE;
    return block(block(mapping.config.destination_config).on_failure).destination_arn ? COMPLIANT : nonCompliant('no destination_config.on_failure.destination_arn');
  },
};
