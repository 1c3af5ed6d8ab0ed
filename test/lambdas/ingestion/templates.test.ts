/** The committed mapping templates, rendered by velocityjs with API Gateway's $input / $util / $context. */
import { ROUTES, loadTemplate } from '../../../lambdas/ingestion/shared/api';
import { decodeEnvelope } from '../../../lambdas/ingestion/shared/envelope';
import { escapeJavaScript, jsonPath, renderTemplate } from '../../../lambdas/ingestion/shared/vtl';

const context = { requestId: 'req-123', requestTimeEpoch: 1_780_000_000_000 };
const recordTemplate = loadTemplate('put-record.request.vtl', 'ingestion-test-events');
const recordsTemplate = loadTemplate('put-records.request.vtl', 'ingestion-test-events');

function envelopeOf(base64: string) {
  const d = decodeEnvelope(base64);
  if (!d.ok) throw new Error(d.reason);
  return d.envelope;
}

describe('PutRecord request template', () => {
  it('keeps quotes, backslashes and unicode of data byte for byte through base64', () => {
    const data = { text: 'he said "hi" \\ back\'slash — ünïcødé 🎉', nested: ['a"b', { z: '\u0000\u001f' }], n: 1.5 };
    const out = JSON.parse(renderTemplate(recordTemplate, { body: JSON.stringify({ data, partitionKey: 'dev"ice-1' }), context }).output);
    expect(out.StreamName).toBe('ingestion-test-events');
    expect(out.PartitionKey).toBe('dev"ice-1');
    expect(envelopeOf(out.Data)).toEqual({ id: 'req-123:0', receivedAt: context.requestTimeEpoch, data });
  });

  it('carries a base64 string in data unchanged (binary payloads)', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 0x22, 0x5c]);
    const out = JSON.parse(renderTemplate(recordTemplate, { body: JSON.stringify({ data: bytes.toString('base64') }), context }).output);
    expect(Buffer.from(envelopeOf(out.Data).data as string, 'base64')).toEqual(bytes);
    expect(out.PartitionKey).toBe('req-123:0');
  });

  it('uses the client id as the idempotency key', () => {
    const out = JSON.parse(renderTemplate(recordTemplate, { body: JSON.stringify({ data: 1, id: 'order-"7"' }), context }).output);
    expect(envelopeOf(out.Data).id).toBe('order-"7"');
  });
});

describe('PutRecords request template', () => {
  it('maps every record, in order, with index-based defaults', () => {
    const records = [{ data: { i: 0 } }, { data: 'ü"', partitionKey: 'p1', id: 'x' }, { data: [true, null] }];
    const out = JSON.parse(renderTemplate(recordsTemplate, { body: JSON.stringify({ records }), context }).output);
    expect(out.StreamName).toBe('ingestion-test-events');
    expect(out.Records.map((r: { PartitionKey: string }) => r.PartitionKey)).toEqual(['req-123:0', 'p1', 'req-123:2']);
    expect(out.Records.map((r: { Data: string }) => envelopeOf(r.Data))).toEqual([
      { id: 'req-123:0', receivedAt: context.requestTimeEpoch, data: { i: 0 } },
      { id: 'x', receivedAt: context.requestTimeEpoch, data: 'ü"' },
      { id: 'req-123:2', receivedAt: context.requestTimeEpoch, data: [true, null] },
    ]);
  });

  it('renders 500 records into valid JSON', () => {
    const records = Array.from({ length: 500 }, (_, i) => ({ data: { i } }));
    const out = JSON.parse(renderTemplate(recordsTemplate, { body: JSON.stringify({ records }), context }).output);
    expect(out.Records).toHaveLength(500);
    expect(envelopeOf(out.Records[499].Data).data).toEqual({ i: 499 });
  });
});

describe('PutRecords response template', () => {
  const template = loadTemplate('put-records.response.vtl');

  it('reports each failed record with its index and answers 207', () => {
    const kinesis = {
      FailedRecordCount: 2,
      Records: [
        { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
        { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard "shardId-000000000001"' },
        { SequenceNumber: '3', ShardId: 'shardId-000000000002' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
      ],
    };
    const r = renderTemplate(template, { body: JSON.stringify(kinesis), context });
    expect(r.statusOverride).toBe(207);
    const out = JSON.parse(r.output);
    expect(out.failedRecordCount).toBe(2);
    expect(out.records.filter((x: { errorCode?: string }) => x.errorCode).map((x: { index: number }) => x.index)).toEqual([1, 3]);
    expect(out.records[1].errorMessage).toBe('Rate exceeded for shard "shardId-000000000001"');
    expect(out.records[2]).toEqual({ index: 2, sequenceNumber: '3', shardId: 'shardId-000000000002' });
  });

  it('keeps 200 when every record was accepted', () => {
    const r = renderTemplate(template, { body: JSON.stringify({ FailedRecordCount: 0, Records: [{ SequenceNumber: '9', ShardId: 's' }] }), context });
    expect(r.statusOverride).toBeUndefined();
    expect(JSON.parse(r.output)).toEqual({ failedRecordCount: 0, records: [{ index: 0, sequenceNumber: '9', shardId: 's' }] });
  });
});

describe('the VTL runtime', () => {
  it('escapeJavaScript follows Commons Lang', () => {
    expect(escapeJavaScript('a"b\'c\\d/e\nf\u0001é')).toBe('a\\"b\\\'c\\\\d\\/e\\nf\\u0001\\u00E9');
  });
  it('jsonPath reads members, indexes and quoted names', () => {
    const doc = { a: { 'b c': [{ d: 1 }] } };
    expect(jsonPath(doc, "$.a['b c'][0].d")).toBe(1);
    expect(jsonPath(doc, '$.missing.x')).toBeUndefined();
    expect(() => jsonPath(doc, 'a.b')).toThrow(/must start with/);
  });
  it('every route has its templates committed', () => {
    for (const r of ROUTES) {
      expect(loadTemplate(r.request, 's')).toContain('"StreamName": "s"');
      expect(loadTemplate(r.response).length).toBeGreaterThan(0);
    }
    expect(() => loadTemplate('put-record.request.vtl', 'bad name!')).toThrow(/not a Kinesis stream name/);
  });
});
