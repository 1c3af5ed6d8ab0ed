/**
 * The ingestion API's contract, shared by the stack (API Gateway models and mapping templates) and the local
 * mode (the same models validated with ajv, the same templates rendered by velocityjs): JSON-schema models
 * (draft-04, what API Gateway speaks), the Kinesis limits they encode, and the committed VTL files.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Kinesis limits (AWS docs, "Quotas and limits"): PutRecords takes at most 500 records; a record is at most 1 MiB. */
export const KINESIS_LIMITS = {
  maxRecordsPerPutRecords: 500,
  maxRecordBytes: 1_048_576,
  maxPartitionKeyLength: 256,
} as const;

/** Longest client-supplied record id (the table's key; "<request id>:<index>" when absent). */
export const MAX_ID_LENGTH = 128;

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** One record as a client posts it. `data` is any JSON value but null. */
const RECORD_PROPERTIES = {
  partitionKey: { type: 'string', minLength: 1, maxLength: KINESIS_LIMITS.maxPartitionKeyLength, description: 'Kinesis partition key (records with one key keep their order); default: "<request id>:<index>"' },
  id: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, description: 'Idempotency key: a record with an id already stored is written once; default "<request id>:<index>"' },
  data: { type: ['object', 'array', 'string', 'number', 'boolean'], description: 'The event (any JSON value but null); binary payloads as a base64 string' },
} as const;

/** Model of POST /record. */
export const RECORD_MODEL = {
  $schema: DRAFT_04,
  title: 'IngestRecord',
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: RECORD_PROPERTIES,
} as const;

/** Model of POST /records (1-500 records). */
export const RECORDS_MODEL = {
  $schema: DRAFT_04,
  title: 'IngestRecords',
  type: 'object',
  required: ['records'],
  additionalProperties: false,
  properties: {
    records: {
      type: 'array',
      minItems: 1,
      maxItems: KINESIS_LIMITS.maxRecordsPerPutRecords,
      items: { type: 'object', required: ['data'], additionalProperties: false, properties: RECORD_PROPERTIES },
    },
  },
} as const;

/** The API's routes: path, model, Kinesis action and mapping templates (file names under TEMPLATES_DIR). */
export const ROUTES = [
  { path: '/record', modelName: 'IngestRecord', model: RECORD_MODEL, action: 'PutRecord', request: 'put-record.request.vtl', response: 'put-record.response.vtl' },
  { path: '/records', modelName: 'IngestRecords', model: RECORDS_MODEL, action: 'PutRecords', request: 'put-records.request.vtl', response: 'put-records.response.vtl' },
] as const;
export type Route = (typeof ROUTES)[number];

/** Responses of the service integration: status, the regex on Kinesis' HTTP status, template file. */
export const INTEGRATION_RESPONSES = [
  { statusCode: 400, selectionPattern: '4\\d{2}', template: 'client-error.response.vtl' },
  { statusCode: 502, selectionPattern: '5\\d{2}', template: 'server-error.response.vtl' },
] as const;

/** Committed mapping templates: systems/ingestion/templates. */
export const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'systems', 'ingestion', 'templates');

/** Placeholder of the stream name in the request templates. */
export const STREAM_NAME_PLACEHOLDER = '@@STREAM_NAME@@';

/** A template file's text, with the stream name filled in (request templates). */
export function loadTemplate(file: string, streamName?: string): string {
  const text = readFileSync(path.join(TEMPLATES_DIR, file), 'utf8');
  if (streamName === undefined) return text;
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(streamName)) throw new Error(`loadTemplate(${file}): stream name ${JSON.stringify(streamName)} is not a Kinesis stream name`);
  return text.split(STREAM_NAME_PLACEHOLDER).join(streamName);
}
