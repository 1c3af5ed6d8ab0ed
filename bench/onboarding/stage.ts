/**
 * One benchmark stage in its own process, so its peak RSS is its own:
 * `node --max-old-space-size=<function memory> --import tsx bench/onboarding/stage.ts '<json>'`.
 * Prints one JSON line: { stage, rows, ms, peak_rss_mb }.
 *
 * Stages: `parser` (processUpload: two streaming passes, duplicate keys in PostgreSQL, rows to
 * DynamoDB), `parser-naive` (the whole file in memory, a Map per key, sequential batches),
 * `report` (writeErrorReport: cursor → CSV → multipart upload), `report-naive` (the whole report
 * built as one string, one PutObject).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Pool } from 'pg';
import { documentClient } from '../../lambdas/lib/aws';
import { processUpload } from '../../lambdas/onboarding/csv-parser/core';
import { writeErrorReport } from '../../lambdas/onboarding/error-processor/core';
import { errorReportCsv, type ErrorReportRow } from '../../lambdas/onboarding/error-processor/report';
import { localDynamoClient, localS3Client } from '../../test/support/local-aws';
import { FakeMessaging } from '../../test/support/onboarding';
import { naiveParse } from './naive';

export interface StageArgs {
  readonly stage: 'parser' | 'parser-naive' | 'report' | 'report-naive';
  readonly databaseUrl: string;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly key: string;
  readonly table: string;
  readonly uploadId?: string;
  readonly rows: number;
  /**
   * DynamoDB for the parser stages: `dynalite` (the emulator) or `sink`, an in-process stand-in
   * (a middleware after serialization) that accepts every BatchWriteItem and keeps nothing: the SDK
   * still builds, marshals and serializes every request, so the figure is the parser's own work.
   */
  readonly dynamo: 'dynalite' | 'sink';
}

export interface StageResult {
  readonly stage: string;
  readonly rows: number;
  readonly ms: number;
  readonly peak_rss_mb: number;
  readonly upload_id?: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as StageArgs;
  const db = new Pool({ connectionString: args.databaseUrl, max: 2 });
  const ddb = localDynamoClient(args.dynamoEndpoint);
  const doc = documentClient(ddb);
  if (args.dynamo === 'sink') {
    // After the request is marshalled and serialized, BatchWriteItem is answered "all processed"
    // without a network call, and nothing is kept. (aws-sdk-client-mock would keep every call's
    // input in its sinon call history: at 1M rows that alone filled the 512 MiB heap.)
    ddb.middlewareStack.add(
      (next, context) => async (input) =>
        context.commandName === 'BatchWriteItemCommand' ? ({ output: { UnprocessedItems: {}, $metadata: {} }, response: {} } as never) : next(input),
      { step: 'finalizeRequest', name: 'benchDynamoSink', priority: 'low' },
    );
  }
  const s3 = localS3Client(args.s3Endpoint);
  const messaging = new FakeMessaging();
  let uploadId: string | undefined;
  const t0 = performance.now();
  try {
    switch (args.stage) {
      case 'parser': {
        const out = await processUpload(
          { db, s3, doc, sqs: messaging.sqs, config: { uploadTable: args.table, errorsQueueUrl: 'https://sqs.local/q', stagingTtlDays: 7 } },
          { bucket: args.bucket, key: args.key, sequencer: `bench-${args.rows}`, eventTime: '2024-12-21T10:30:45.000Z' },
        );
        if (out.status !== 'staged' || out.total_records !== args.rows) throw new Error(`parser: ${JSON.stringify(out)}`);
        uploadId = out.upload_id;
        break;
      }
      case 'parser-naive':
        uploadId = await naiveParse({ db, s3, doc, sqs: messaging.sqs, uploadTable: args.table, queueUrl: 'https://sqs.local/q' }, args.bucket, args.key);
        break;
      case 'report': {
        const n = await writeErrorReport({ db, s3 }, args.bucket, args.key, args.uploadId!);
        if (n !== args.rows) throw new Error(`report: wrote ${n} rows, expected ${args.rows}`);
        break;
      }
      case 'report-naive': {
        // The report as it was before issue 14: every row fetched, one string, one PutObject.
        const res = await db.query<ErrorReportRow>(
          `SELECT min(row_number) AS row_number, min(line_number) AS line_number, min(vendor_product_id) AS vendor_product_id,
                  min(original_data->>'sku') AS sku, array_agg(error_type ORDER BY error_id) AS error_types,
                  array_agg(coalesce(error_field, '') ORDER BY error_id) AS error_fields, array_agg(error_message ORDER BY error_id) AS messages
             FROM validation_errors WHERE upload_id = $1 GROUP BY record_id ORDER BY min(row_number)`,
          [args.uploadId!],
        );
        await s3.send(new PutObjectCommand({ Bucket: args.bucket, Key: args.key, Body: errorReportCsv(res.rows), ContentType: 'text/csv' }));
        break;
      }
    }
  } finally {
    await db.end();
    ddb.destroy();
    s3.destroy();
  }
  const result: StageResult = {
    stage: args.stage,
    rows: args.rows,
    ms: performance.now() - t0,
    // maxRSS is in KiB (kilobytes on Linux).
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    ...(uploadId ? { upload_id: uploadId } : {}),
  };
  console.log(JSON.stringify(result));
}

main().catch((err: Error) => {
  console.error(`stage: ${err.stack ?? err.message}`);
  process.exit(1);
});
