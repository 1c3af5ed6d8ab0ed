/**
 * `npm run bench:ingestion [-- --records 10000,100000 --naive-max 10000]`
 *
 * Records/s through the local ingestion system: HTTP POST /records (the JSON-schema model and the committed VTL
 * templates, 500 records per request, 4 requests in flight) -> Kinesis (kinesalite, 4 shards) -> consumer (the local
 * event source mapping, batches of up to 500) -> DynamoDB table (dynalite). kinesalite and dynalite run in their own
 * processes (closer to remote services, and on the second core); the API and the consumers run in this one.
 *
 * Variants, in the same run and on the same machine:
 *  - `e1`: E1's real handler (BatchGetItem to skip known ids, BatchWriteItem 25 at a time, 4 calls in flight), with
 *    the replicator copying the stream to a second stream (region 2 stand-in) beside it; its lag is measured as
 *    (time R1 accepted the copy) - (arrival in the primary stream), p99.
 *  - `naive`: the baseline: one PutItem per record, strictly one at a time (up to --naive-max records, default
 *    10,000: above that it is O(records) sequential round trips).
 *
 * End-to-end latency per record: (time its write returned) - (time the API received the request, the envelope's
 * receivedAt). Writes bench/results/ingestion.json, prints a table and the machine's load (os.loadavg()).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/lib/aws';
import { createConsumerHandler } from '../../lambdas/ingestion/e1-consumer/handler';
import { DynamoCheckpointStore, replicateShardBatch } from '../../lambdas/ingestion/replicator/core';
import { startLocalApi } from '../../lambdas/ingestion/local/api';
import { ShardPoller } from '../../lambdas/ingestion/local/poller';
import { LOCAL_REGION, createCheckpointTable, createEventsTable, createStream, dynamoClient, kinesisClient } from '../../lambdas/ingestion/local/servers';
import { decodeEnvelope } from '../../lambdas/ingestion/shared/envelope';
import { MemoryFailureSink } from '../../lambdas/ingestion/shared/failures';
import { toLambdaEvent, type StreamRecord } from '../../lambdas/ingestion/shared/stream';

interface Row {
  readonly records: number;
  readonly variant: 'e1' | 'naive';
  readonly records_per_s: number;
  readonly p99_end_to_end_ms: number;
  readonly replication_lag_ms: number | null;
  readonly peak_rss_mb: number;
  readonly seconds: number;
  readonly load_avg_1m_before: number;
  readonly load_avg_1m_after: number;
}

const STREAM = 'bench-events';
const REGION2_STREAM = 'bench-events-r2';
const TABLE = 'bench-events';
const BATCH = 500;
const IN_FLIGHT = 4;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** kinesalite / dynalite in a child process on 127.0.0.1. */
async function serverProcess(pkg: 'kinesalite' | 'dynalite', args: string[]): Promise<{ endpoint: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [require.resolve(`${pkg}/cli.js`), '--host', '127.0.0.1', '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(endpoint, { method: 'POST' });
      return { endpoint, child };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill();
  throw new Error(`${pkg} did not start on ${endpoint}`);
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(records: number, variant: 'e1' | 'naive'): Promise<Row> {
  const loadBefore = loadavg()[0];
  const kinesis = await serverProcess('kinesalite', ['--createStreamMs', '0', '--shardLimit', '100']);
  const dynamo = await serverProcess('dynalite', ['--createTableMs', '0']);
  const kc = kinesisClient(kinesis.endpoint);
  const ddb = dynamoClient(dynamo.endpoint);
  const doc = documentClient(ddb);
  await createStream(kc, STREAM, 4);
  await createEventsTable(ddb, TABLE);
  if (variant === 'e1') {
    await createStream(kc, REGION2_STREAM, 4);
    await createCheckpointTable(ddb, 'checkpoints');
  }
  const api = await startLocalApi({ kinesisEndpoint: kinesis.endpoint, streamName: STREAM });

  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const e2e: number[] = [];
  const lag: number[] = [];
  let consumed = 0;
  let replicated = 0;
  let lastWrite = 0;

  const arn = `arn:aws:kinesis:${LOCAL_REGION}:000000000000:stream/${STREAM}`;
  const e1 = createConsumerHandler(async () => ({ doc, table: TABLE, failures: new MemoryFailureSink() }));
  let lock: Promise<void> = Promise.resolve();
  const naive = async (batch: StreamRecord[]): Promise<void> => {
    // One PutItem per record, one at a time across the whole consumer.
    const previous = lock;
    let release!: () => void;
    lock = new Promise<void>((r) => (release = r));
    await previous;
    try {
      for (const r of batch) {
        const d = decodeEnvelope(r.data);
        if (!d.ok) continue;
        await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: d.envelope.id }, receivedAt: { N: String(d.envelope.receivedAt) }, partitionKey: { S: r.partitionKey }, data: { S: JSON.stringify(d.envelope.data) } } }));
        const now = Date.now();
        e2e.push(now - d.envelope.receivedAt);
        consumed++;
        lastWrite = now;
      }
    } finally {
      release();
    }
  };
  const consumer = new ShardPoller({
    client: kc,
    streamName: STREAM,
    batchSize: BATCH,
    idleMs: 20,
    handle: async (_shard, batch) => {
      if (variant === 'naive') {
        await naive(batch);
        return undefined;
      }
      const res = await e1(toLambdaEvent(batch, arn, LOCAL_REGION));
      const now = Date.now();
      const failed = res.batchItemFailures[0]?.itemIdentifier;
      for (const r of batch) {
        if (failed !== undefined && BigInt(r.sequenceNumber) >= BigInt(failed)) break;
        const d = decodeEnvelope(r.data);
        if (d.ok) e2e.push(now - d.envelope.receivedAt);
        consumed++;
      }
      lastWrite = now;
      return failed;
    },
  });
  const checkpoints = new DynamoCheckpointStore(doc, 'checkpoints');
  const replicator =
    variant === 'e1'
      ? new ShardPoller({
          client: kc,
          streamName: STREAM,
          batchSize: BATCH,
          idleMs: 20,
          startAfter: (shardId) => checkpoints.get(`${STREAM}/${shardId}`),
          handle: async (shardId, batch) => {
            const res = await replicateShardBatch(shardId, batch, { target: kc, targetStream: REGION2_STREAM, sourceStream: STREAM, checkpoints });
            lag.push(...res.lagMs);
            replicated += res.replicated;
            return undefined;
          },
        })
      : undefined;
  await consumer.start();
  await replicator?.start();

  // Producer: POST /records, 500 per request, IN_FLIGHT requests at once.
  const started = Date.now();
  let next = 0;
  const producer = async () => {
    while (next < records) {
      const from = next;
      next += BATCH;
      const count = Math.min(BATCH, records - from);
      const body = JSON.stringify({ records: Array.from({ length: count }, (_, i) => ({ id: `bench-${from + i}`, partitionKey: `device-${(from + i) % 997}`, data: { seq: from + i, reading: (from + i) * 0.5, note: 'caf\u00e9 "quoted" \u2713' } })) });
      const res = await fetch(`${api.url}/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const out = (await res.json()) as { failedRecordCount?: number };
      if (res.status !== 200 || out.failedRecordCount) throw new Error(`POST /records answered ${res.status}: ${JSON.stringify(out).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
  const produced = Date.now();
  const deadline = Date.now() + 30 * 60_000;
  while (consumed < records || (replicator && replicated < records)) {
    if (Date.now() > deadline) throw new Error(`${variant} ${records}: only ${consumed} consumed, ${replicated} replicated after 30 minutes`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (lastWrite - started) / 1000;
  if (process.env.BENCH_DEBUG) console.error(`${variant} ${records}: produced in ${produced - started} ms, consumed in ${lastWrite - started} ms`);
  clearInterval(rssTimer);
  await consumer.stop();
  await replicator?.stop();
  await api.close();
  kc.destroy();
  ddb.destroy();
  kinesis.child.kill();
  dynamo.child.kill();
  return {
    records,
    variant,
    records_per_s: Math.round(records / seconds),
    p99_end_to_end_ms: Math.round(percentile(e2e, 99)),
    replication_lag_ms: replicator ? Math.round(percentile(lag, 99)) : null,
    peak_rss_mb: Math.round(peakRss / 1024 / 1024),
    seconds: Math.round(seconds * 10) / 10,
    load_avg_1m_before: Math.round(loadBefore * 100) / 100,
    load_avg_1m_after: Math.round(loadavg()[0] * 100) / 100,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--records');
  const sizes = (i >= 0 ? argv[i + 1] : '10000,100000').split(',').map(Number);
  const j = argv.indexOf('--naive-max');
  const naiveMax = j >= 0 ? Number(argv[j + 1]) : 10_000;
  if (!Number.isInteger(naiveMax) || naiveMax < 0) throw new Error(`--naive-max: expected a whole number (received ${JSON.stringify(argv[j + 1])})`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--records: expected sizes such as 10000,100000 (received ${JSON.stringify(argv[i + 1])})`);
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  console.log(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min)`);
  const rows: Row[] = [];
  for (const n of sizes) {
    for (const variant of (process.env.BENCH_VARIANTS ?? 'e1,naive').split(',') as ('e1' | 'naive')[]) {
      if (variant === 'naive' && n > naiveMax) {
        console.log(`naive ${n}: skipped (above --naive-max ${naiveMax}: one PutItem at a time is O(records) round trips)`);
        continue;
      }
      const row = await run(n, variant);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const out = resolve(__dirname, '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'ingestion.json'), `${JSON.stringify(rows, null, 2)}\n`);
  console.log('');
  console.log('| records | variant | records/s | p99 end-to-end (ms) | replication lag p99 (ms) | peak RSS (MB) | s | load 1m before/after |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) console.log(`| ${r.records} | ${r.variant} | ${r.records_per_s} | ${r.p99_end_to_end_ms} | ${r.replication_lag_ms ?? '-'} | ${r.peak_rss_mb} | ${r.seconds} | ${r.load_avg_1m_before} / ${r.load_avg_1m_after} |`);
  for (const n of sizes) {
    const e = rows.find((r) => r.records === n && r.variant === 'e1')!;
    const b = rows.find((r) => r.records === n && r.variant === 'naive');
    console.log(`${n} records: ${b ? `E1 ${(e.records_per_s / b.records_per_s).toFixed(1)}x the naive consumer` : 'no naive run at this size'}; replication lag p99 ${e.replication_lag_ms} ms`);
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
}

main().catch((e: Error) => {
  console.error(`bench:ingestion: ${e.message}`);
  process.exit(1);
});
