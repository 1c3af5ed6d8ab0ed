/** Powertools idempotency records in DynamoDB (table from IDEMPOTENCY_TABLE, key attribute `id`). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';

export function idempotencyStore(tableName: string, client?: DynamoDBClient): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({ tableName, ...(client ? { awsSdkV3Client: client } : {}) });
}
