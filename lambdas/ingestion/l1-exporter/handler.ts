/** L1 Lambda (in the VPC, S3 through the gateway endpoint): D5 stream batches -> one S1 object each ({@link exportObject}). */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createS3Client } from '../../lib/aws';
import { createObservability } from '../../lib/observability';
import { ENV, requireEnv } from '../shared/config';
import { insertedEvents } from '../shared/items';
import { exportObject } from './core';

export function createExporterHandler(deps: () => { s3: S3Client; bucket: string } = () => ({ s3: createS3Client(), bucket: requireEnv(process.env, ENV.exportBucket) })) {
  const { logger } = createObservability('l1-exporter');
  let d: { s3: S3Client; bucket: string } | undefined;
  return async (event: DynamoDBStreamEvent): Promise<void> => {
    d ??= deps();
    const object = exportObject(insertedEvents(event.Records));
    if (!object) return;
    await d.s3.send(new PutObjectCommand({ Bucket: d.bucket, Key: object.key, Body: object.body, ContentType: 'application/x-ndjson' }));
    logger.info('exported', { key: object.key, count: object.count });
  };
}
