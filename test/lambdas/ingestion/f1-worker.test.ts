/**
 * The worker image's code (F1 `summarize`, EC2 `serve`) with the real AWS SDK clients against local servers:
 * DynamoDB Streams is a stand-in with the service's API and shard semantics (lambdas/ingestion/local/
 * streams-standin.ts: dynalite has no streams), S3 is s3rver, the checkpoint table is dynalite. Also the image's
 * build context (esbuild bundle + Dockerfile; no Docker engine here, so the image itself is not built).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { documentClient } from '../../../lambdas/lib/aws';
import { DynamoCheckpointStore, MemoryCheckpointStore } from '../../../lambdas/ingestion/shared/checkpoints';
import { SHARD_END, StreamReader } from '../../../lambdas/ingestion/f1-summarizer/reader';
import { sdkStreamsApi } from '../../../lambdas/ingestion/f1-summarizer/streams-api';
import { startWorker } from '../../../lambdas/ingestion/f1-summarizer/worker';
import { mergeSummaries, parseReportRequest, reportKey } from '../../../lambdas/ingestion/f1-summarizer/reports';
import { buildWorkerContext } from '../../../lambdas/ingestion/f1-summarizer/build';
import { StreamsStandIn } from '../../../lambdas/ingestion/local/streams-standin';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createCheckpointTable, dynamoClient, startDynalite, type LocalServer } from '../../../lambdas/ingestion/local/servers';
import { LOCAL_CREDENTIALS as S3RVER_CREDENTIALS, localS3Client, startS3rver } from '../../support/local-aws';

const BUCKET = 'ingestion-test-s1-exports';
const CHECKPOINTS = 'checkpoints';
let s3rver: LocalServer;
let dynalite: LocalServer;
let s3: S3Client;
let ddb: ReturnType<typeof dynamoClient>;
const quiet = { info: () => undefined, error: () => undefined };
const savedEnv = { ...process.env };

beforeAll(async () => {
  [s3rver, dynalite] = await Promise.all([startS3rver([BUCKET]), startDynalite()]);
  s3 = localS3Client(s3rver.endpoint);
  ddb = dynamoClient(dynalite.endpoint);
  await createCheckpointTable(ddb, CHECKPOINTS);
});
afterAll(async () => {
  process.env = savedEnv;
  s3.destroy();
  ddb.destroy();
  await Promise.all([s3rver.stop(), dynalite.stop()]);
});

const at = Date.UTC(2026, 11, 4, 14, 5, 0);
const event = (id: string, pk: string, offsetMs = 0) => ({ id, receivedAt: at + offsetMs, partitionKey: pk, data: { id } });

/** The container's environment, pointing the SDK at the local servers. */
function workerEnv(stream: StreamsStandIn, streamsEndpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...savedEnv,
    AWS_REGION: LOCAL_REGION,
    // s3rver accepts only its own key; dynalite and the stand-in accept any.
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: streamsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_S3: s3rver.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    EVENTS_STREAM_ARN: stream.streamArn,
    EXPORT_BUCKET: BUCKET,
    CHECKPOINT_TABLE: CHECKPOINTS,
    ...extra,
  };
}

async function objects(prefix: string): Promise<Record<string, unknown>> {
  const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  const out: Record<string, unknown> = {};
  for (const o of list.Contents ?? []) out[o.Key!] = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }))).Body!.transformToString());
  return out;
}

async function until(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the DynamoDB Streams reader (real SDK client, stand-in service)', () => {
  let stream: StreamsStandIn;
  let endpoint: string;
  let client: DynamoDBStreamsClient;
  beforeEach(async () => {
    stream = new StreamsStandIn('events', 'id', LOCAL_REGION, 1);
    endpoint = await stream.start();
    client = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  afterEach(async () => {
    client.destroy();
    await stream.stop();
  });

  it('reads parents before children, across DescribeStream pages, and resumes after its checkpoints', async () => {
    for (let i = 0; i < 5; i++) stream.put(event(`a${i}`, 'p'));
    stream.rotate();
    for (let i = 0; i < 3; i++) stream.put(event(`b${i}`, 'p'));
    stream.rotate();
    stream.put(event('c0', 'p'));
    stream.listOrder = 'newest-first';
    const checkpoints = new MemoryCheckpointStore();
    const seen: string[] = [];
    const reader = () => new StreamReader({ api: sdkStreamsApi(client), streamArn: stream.streamArn, checkpoints, limit: 2, handle: async (_s, records) => void seen.push(...records.map((r) => (r.dynamodb?.NewImage as { id: { S: string } }).id.S)) });
    const first = await reader().pass();
    // One shard per DescribeStream page (pageSize 1): three pages listed; per-key order kept across rotations.
    expect(stream.calls.DescribeStream).toBe(3);
    expect(seen).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'c0']);
    expect(first.finished).toEqual([stream.shards[0].shardId, stream.shards[1].shardId]);
    expect(checkpoints.values.get(`f1/${stream.streamArn.split('/').slice(-3).join('/')}/${stream.shards[0].shardId}`)).toBe(SHARD_END);

    // A new reader (a restarted task) starts after the checkpoints: only the new record.
    stream.put(event('c1', 'p'));
    seen.length = 0;
    expect((await reader().pass()).records).toBe(1);
    expect(seen).toEqual(['c1']);
  });

  it('takes a new iterator from its checkpoint when one expires, handing nothing twice', async () => {
    const reader = new StreamReader({ api: sdkStreamsApi(client), streamArn: stream.streamArn, checkpoints: new MemoryCheckpointStore(), handle: async (_s, r) => void seen.push(...r.map((x) => x.dynamodb!.SequenceNumber!)) });
    const seen: string[] = [];
    const put = [stream.put(event('x0', 'p')), stream.put(event('x1', 'p'))];
    await reader.pass();
    stream.expireIterators();
    put.push(stream.put(event('x2', 'p')));
    await reader.pass();
    expect(seen).toEqual(put);
  });

  it('a failing page is read again on the next pass (at-least-once), after which the checkpoint moves', async () => {
    stream.put(event('f0', 'p'));
    let fail = true;
    const handled: number[] = [];
    const reader = new StreamReader({
      api: sdkStreamsApi(client),
      streamArn: stream.streamArn,
      checkpoints: new MemoryCheckpointStore(),
      handle: async (_s, r) => {
        if (fail) throw new Error('S3 unavailable');
        handled.push(r.length);
      },
    });
    await expect(reader.pass()).rejects.toThrow('S3 unavailable');
    fail = false;
    expect((await reader.pass()).records).toBe(1);
    expect(handled).toEqual([1]);
    expect((await reader.pass()).records).toBe(0);
  });
});

describe('the worker image modes from their environment', () => {
  it('summarize: D5 stream pages -> per-minute summaries in S1, checkpoints in DynamoDB, resumed after a restart', async () => {
    const stream = new StreamsStandIn('ingestion-test-events');
    const endpoint = await stream.start();
    const env = workerEnv(stream, endpoint);
    process.env = env;
    try {
      stream.put(event('e1', 'device-1'));
      stream.put(event('e2', 'device-2', 1_000));
      stream.put(event('e3', 'device-1', 61_000));
      stream.rotate();
      stream.put(event('e4', 'device-3', 62_000));
      const worker = await startWorker('summarize', env, { log: quiet });
      const store = new DynamoCheckpointStore(documentClient(ddb), CHECKPOINTS);
      const key = (shard: number) => `f1/${stream.streamArn.split('/').slice(-3).join('/')}/${stream.shards[shard].shardId}`;
      await until(async () => (await store.get(key(1))) !== undefined);
      await worker.stop();
      expect(await store.get(key(0))).toBe(SHARD_END);
      const s1 = await objects('summaries/');
      const seq = stream.shards.flatMap((s) => s.records.map((r) => r.sequenceNumber));
      expect(s1).toEqual({
        [`summaries/2026-12-04T14:05/${seq[0]}.json`]: { minute: '2026-12-04T14:05', events: 2, byPartitionKey: { 'device-1': 1, 'device-2': 1 } },
        [`summaries/2026-12-04T14:06/${seq[2]}.json`]: { minute: '2026-12-04T14:06', events: 1, byPartitionKey: { 'device-1': 1 } },
        [`summaries/2026-12-04T14:06/${seq[3]}.json`]: { minute: '2026-12-04T14:06', events: 1, byPartitionKey: { 'device-3': 1 } },
      });

      // Restarted (a new task): it reads only what arrived after its checkpoints.
      const next = stream.put(event('e5', 'device-3', 63_000));
      const before = stream.calls.GetShardIterator;
      const again = await startWorker('summarize', env, { log: quiet });
      await until(async () => (await store.get(key(1))) === next);
      await again.stop();
      expect(stream.calls.GetShardIterator - before).toBe(1);
      const after = await objects('summaries/');
      expect(Object.keys(after)).toHaveLength(4);
      expect(after[`summaries/2026-12-04T14:06/${next}.json`]).toEqual({ minute: '2026-12-04T14:06', events: 1, byPartitionKey: { 'device-3': 1 } });
    } finally {
      process.env = savedEnv;
      await stream.stop();
    }
  }, 60_000);

  it('serve: health, a summary, and POST /reports merging summaries into S1 reports/ (400 naming the field, 404 naming the key)', async () => {
    const stream = new StreamsStandIn('unused');
    const env = workerEnv(stream, 'http://127.0.0.1:9', { PORT: '0' });
    process.env = env;
    const worker = await startWorker('serve', env, { host: '127.0.0.1', log: quiet });
    try {
      const a = 'summaries/2026-12-04T10:00/11.json';
      const b = 'summaries/2026-12-04T10:01/12.json';
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: a, Body: JSON.stringify({ minute: '2026-12-04T10:00', events: 3, byPartitionKey: { k1: 2, k2: 1 } }) }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: b, Body: JSON.stringify({ minute: '2026-12-04T10:01', events: 2, byPartitionKey: { k2: 2 } }) }));
      const health = await fetch(`${worker.url}/reports/health`);
      expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
      const one = await fetch(`${worker.url}/reports/${a}`);
      expect(await one.json()).toEqual({ minute: '2026-12-04T10:00', events: 3, byPartitionKey: { k1: 2, k2: 1 } });

      const post = (body: string) => fetch(`${worker.url}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const created = await post(JSON.stringify({ keys: [b, a], name: 'morning' }));
      const body = (await created.json()) as { key: string; report: unknown };
      const expected = { minutes: ['2026-12-04T10:00', '2026-12-04T10:01'], events: 5, byPartitionKey: { k1: 2, k2: 3 }, sources: [a, b] };
      expect([created.status, body]).toEqual([201, { key: 'reports/morning.json', report: expected }]);
      expect((await objects('reports/'))['reports/morning.json']).toEqual(expected);

      const bad = await post(JSON.stringify({ keys: ['events/x.json'] }));
      expect([bad.status, ((await bad.json()) as { message: string }).message]).toEqual([400, expect.stringContaining('keys[0] must be a summary key like "summaries/2026-12-04T14:05/123.json" (received "events/x.json")')]);
      const notJson = await post('{"keys":');
      expect([notJson.status, ((await notJson.json()) as { message: string }).message]).toEqual([400, expect.stringMatching(/^body is not JSON/)]);
      const missing = await post(JSON.stringify({ keys: ['summaries/2026-12-04T10:02/99.json'] }));
      expect([missing.status, await missing.json()]).toEqual([404, { error: 'not_found', message: 'no summary summaries/2026-12-04T10:02/99.json' }]);
    } finally {
      await worker.stop();
      process.env = savedEnv;
    }
  });

  it('refuses an unknown command or a missing variable, naming it', async () => {
    await expect(startWorker('report', {})).rejects.toThrow('unknown command "report": expected one of summarize, serve');
    await expect(startWorker('summarize', { EVENTS_STREAM_ARN: 'arn' })).rejects.toThrow('environment variable EXPORT_BUCKET is not set (received undefined)');
    await expect(startWorker('serve', { EXPORT_BUCKET: 'b', PORT: 'http' })).rejects.toThrow('environment variable PORT must be a port number (received "http")');
  });
});

test('report requests and merges (pure)', () => {
  expect(parseReportRequest({ keys: [] })).toEqual({ ok: false, message: 'keys must be an array of 1-100 summary keys (received [])' });
  expect(parseReportRequest({ keys: ['summaries/2026-12-04T10:00/1.json'], extra: 1 })).toEqual({ ok: false, message: 'unknown field "extra"' });
  expect(parseReportRequest({ keys: ['summaries/2026-12-04T10:00/1.json'], name: 'Bad Name' })).toMatchObject({ ok: false, message: expect.stringContaining('(received "Bad Name")') });
  const keys = ['summaries/2026-12-04T10:01/2.json', 'summaries/2026-12-04T10:00/1.json'];
  expect(reportKey({ keys })).toBe(reportKey({ keys: [...keys].reverse() }));
  expect(mergeSummaries([])).toEqual({ minutes: [], events: 0, byPartitionKey: {}, sources: [] });
});

test('the image build context: one bundle + the Dockerfile, the same tag from the same sources, a usage error without a command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingestion-worker-'));
  try {
    const first = await buildWorkerContext(join(dir, 'a'));
    const second = await buildWorkerContext(join(dir, 'b'));
    expect(second.tag).toBe(first.tag);
    expect(first.tag).toMatch(/^sha-[0-9a-f]{12}$/);
    const dockerfile = readFileSync(join(first.dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:22-slim@sha256:[0-9a-f]{64}$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "/app/worker.js"]');
    const run = spawnSync(process.execPath, [join(first.dir, 'worker.js'), 'bogus'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect([run.status, run.stderr.trim()]).toEqual([2, 'worker: unknown command "bogus": expected one of summarize, serve']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
