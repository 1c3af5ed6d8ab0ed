/**
 * AWS SDK clients of the Lambdas. Endpoints follow the SDK's own AWS_ENDPOINT_URL_<SERVICE>
 * variables (used for local servers); S3_FORCE_PATH_STYLE=true selects path-style S3 URLs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDynamoClients(): { ddb: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const ddb = new DynamoDBClient({});
  return { ddb, doc: documentClient(ddb) };
}

export function documentClient(ddb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
}

export function createS3Client(): S3Client {
  return new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });
}

export const createSqsClient = (): SQSClient => new SQSClient({});
export const createSnsClient = (): SNSClient => new SNSClient({});
