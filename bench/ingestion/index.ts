/**
 * `npm run bench:ingestion [-- --records 10000,100000 --naive-max 10000 --variants e1,naive,replicator,e1+replicator
 *  --rate 4000 --stock-kinesalite --api-in-process --out FILE]`
 *
 * Records/s through the local ingestion system: HTTP POST /records (the JSON-schema model and the committed VTL
 * templates, 500 records per request, 4 requests in flight, offered at --rate records/s: by default the stream's write
 * capacity, 4 shards x 1,000 records/s, which Kinesis enforces and kinesalite does not; `--rate 0` offers them as fast
 * as the API takes them) -> Kinesis (kinesalite, 4 shards) -> consumer (the local
 * event source mapping, batches of up to 500) -> DynamoDB table (dynalite). kinesalite, dynalite and the API
 * (api-process.ts; API Gateway is its own service) run in their own processes, the consumers in this one
 * (--api-in-process: the API in this one too, as before 2026-12-04). kinesalite's sequence-number arithmetic is sped up
 * (lambdas/ingestion/local/kinesalite-speedup.ts, same values) unless --stock-kinesalite.
 *
 * Variants, in the same run and on the same machine, each on fresh servers:
 *  - `e1`: API -> stream -> E1's real handler (BatchGetItem to skip known ids, BatchWriteItem 25 at a time, 4 calls
 *    in flight) -> table.
 *  - `naive`: the baseline: the same pipeline with one PutItem per record, strictly one at a time (at most
 *    --naive-max records, default 10,000; a capped row says `records` it ran and `requested_records`).
 *  - `replicator`: API -> stream -> the replicator -> a second stream (region 2 stand-in): its lag, (time R1
 *    accepted the copy: the PutRecords call holding it returned) - (arrival in the primary stream: kinesalite's
 *    ApproximateArrivalTimestamp), p99 over every record. Its poller reads one batch ahead per shard (the fan-out
 *    push); batches of up to 500, as the stack's replicator event source mapping.
 *  - `e1+replicator`: both consumers at once on the same stream (the whole system; they share this process and
 *    the two cores, which in AWS they do not).
 *
 * End-to-end latency per record: (time its write returned) - (time the API received the request, the envelope's
 * receivedAt). Writes bench/results/ingestion.json, prints a table and the machine's load (os.loadavg()) and the
 * CPU seconds each process used. BENCH_DEBUG=1 also prints, per row, the replicator's call latencies, its lag per
 * second of the run and this process's event-loop delay (stderr).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
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
import { SHARD_WRITE_LIMITS } from '../../modules/stream/defaults';
import { INGESTION_SETTINGS } from '../../systems/ingestion/settings';

type Variant = 'e1' | 'naive' | 'replicator' | 'e1+replicator';
const VARIANTS: readonly Variant[] = ['e1', 'naive', 'replicator', 'e1+replicator'];

interface Row {
  /** Records this row actually pushed through the pipeline. */
  readonly records: number;
  /** The size of the run it belongs to (larger than `records` when the naive consumer was capped by --naive-max). */
  readonly requested_records: number;
  readonly variant: Variant;
  readonly records_per_s: number;
  readonly p99_end_to_end_ms: number;
  readonly replication_lag_ms: number | null;
  readonly peak_rss_mb: number;
  readonly seconds: number;
  readonly load_avg_1m_before: number;
  readonly load_avg_1m_after: number;
  /** CPU seconds used during the run by this process (API, consumers, replicator) and by each local server. */
  readonly cpu_s: { readonly bench: number; readonly api: number | null; readonly kinesalite: number; readonly dynalite: number };
  readonly kinesalite: 'sped-up' | 'stock';
  /** Records/s the producer offered (the stream's write capacity by default); null: as fast as the API took them. */
  readonly offered_records_per_s: number | null;
  /** Where the API ran: its own process (default; API Gateway is its own service), or this one (--api-in-process). */
  readonly api: 'process' | 'in-process';
}

const STREAM = 'bench-events';
const REGION2_STREAM = 'bench-events-r2';
const TABLE = 'bench-events';
const BATCH = 500;
const IN_FLIGHT = 4;
const SHARDS = INGESTION_SETTINGS.shardIds.length;
/**
 * The seed's stream (provisioned, four shards on every tier) takes at most this many records a second; Kinesis
 * throttles the rest (ProvisionedThroughputExceededException). kinesalite does not, so the producer offers no more.
 * (The bytes limit, 1 MiB/s a shard, is not reached: the bench's records are about 150 bytes.)
 */
const STREAM_WRITE_RECORDS_PER_S = SHARDS * SHARD_WRITE_LIMITS.recordsPerSecond;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** kinesalite / dynalite in a child process on 127.0.0.1. */
async function serverProcess(pkg: 'kinesalite' | 'dynalite', stockKinesalite: boolean): Promise<{ endpoint: string; child: ChildProcess }> {
  const port = await freePort();
  const nodeArgs = process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args =
    pkg === 'kinesalite'
      ? ['--require', require.resolve('tsx/cjs'), resolve(__dirname, '..', '..', 'lambdas', 'ingestion', 'local', 'kinesalite-process.ts'), '--port', String(port), '--warm-up', ...(stockKinesalite ? ['--stock'] : [])]
      : [require.resolve('dynalite/cli.js'), '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
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

/** The local API in its own process (api-process.ts) on 127.0.0.1; resolves with its URL once it listens. */
async function apiProcess(kinesisEndpoint: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), resolve(__dirname, 'api-process.ts'), '--kinesis', kinesisEndpoint, '--stream', STREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the API process did not start within 30 s (stdout: ${JSON.stringify(out)})`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the API process exited with code ${code} before listening (stdout: ${JSON.stringify(out)})`));
    });
  });
  return { url, child };
}

/** CPU seconds (user + system) a child process has used so far (Linux /proc; 0 elsewhere). */
function childCpu(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The API's receipt time of a record (its envelope's receivedAt), for end-to-end latency. */
function receivedAt(data: string): number | undefined {
  const d = decodeEnvelope(data);
  return d.ok ? d.envelope.receivedAt : undefined;
}

interface RunOptions {
  readonly stockKinesalite: boolean;
  readonly apiInProcess: boolean;
  /** Records/s offered by the producer; 0: as fast as the API takes them. */
  readonly rate: number;
}

async function run(records: number, requested: number, variant: Variant, o: RunOptions): Promise<Row> {
  const loadBefore = loadavg()[0];
  const kinesis = await serverProcess('kinesalite', o.stockKinesalite);
  const dynamo = await serverProcess('dynalite', o.stockKinesalite);
  const apiChild = o.apiInProcess ? undefined : await apiProcess(kinesis.endpoint).catch((e: Error) => (kinesis.child.kill(), dynamo.child.kill(), Promise.reject(e)));
  try {
    return await measure(records, requested, variant, o, loadBefore, kinesis, dynamo, apiChild);
  } finally {
    kinesis.child.kill();
    dynamo.child.kill();
    apiChild?.child.kill();
  }
}

async function measure(records: number, requested: number, variant: Variant, o: RunOptions, loadBefore: number, kinesis: { endpoint: string; child: ChildProcess }, dynamo: { endpoint: string; child: ChildProcess }, apiChild: { url: string; child: ChildProcess } | undefined): Promise<Row> {
  const { stockKinesalite } = o;
  const kc = kinesisClient(kinesis.endpoint);
  const ddb = dynamoClient(dynamo.endpoint);
  const doc = documentClient(ddb);
  const consumes = variant !== 'replicator';
  const replicates = variant === 'replicator' || variant === 'e1+replicator';
  await createStream(kc, STREAM, SHARDS);
  await createEventsTable(ddb, TABLE);
  if (replicates) {
    await createStream(kc, REGION2_STREAM, SHARDS);
    await createCheckpointTable(ddb, 'checkpoints');
  }
  // The API process is stopped by run().
  const api = apiChild ? { url: apiChild.url, close: async () => undefined } : await startLocalApi({ kinesisEndpoint: kinesis.endpoint, streamName: STREAM });

  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 500);
  const e2e: number[] = [];
  // (time the write or copy returned, record data) of E1's and the replicator's records: their receivedAt is decoded
  // after the run, so the measurement's JSON parsing does not take CPU from the pipeline it measures.
  const written: { at: number; data: string }[] = [];
  const lag: number[] = [];
  const lagTimeline: [number, number, number][] = [];
  const t0 = Date.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
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
  const consumer = consumes
    ? new ShardPoller({
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
            written.push({ at: now, data: r.data });
            consumed++;
          }
          lastWrite = now;
          return failed;
        },
      })
    : undefined;
  // The replicator's own clients (a Lambda function has its own), timed per call under BENCH_DEBUG.
  const replKc = kinesisClient(kinesis.endpoint);
  const replDdb = dynamoClient(dynamo.endpoint);
  const callMs = new Map<string, number[]>();
  if (process.env.BENCH_DEBUG) {
    for (const c of [replKc, replDdb] as { middlewareStack: { add(mw: unknown, o: { step: 'initialize' }): void } }[]) {
      c.middlewareStack.add(
        (next: (a: unknown) => Promise<unknown>, ctx: { commandName: string }) => async (args: unknown) => {
          const t = Date.now();
          try {
            return await next(args);
          } finally {
            callMs.set(ctx.commandName, [...(callMs.get(ctx.commandName) ?? []), Date.now() - t]);
          }
        },
        { step: 'initialize' },
      );
    }
  }
  const checkpoints = new DynamoCheckpointStore(documentClient(replDdb), 'checkpoints');
  const replicator = replicates
    ? new ShardPoller({
        client: replKc,
        streamName: STREAM,
        batchSize: BATCH,
        idleMs: 20,
        // The fan-out subscription pushes the next records while the function runs: read ahead one batch per shard.
        prefetch: true,
        startAfter: (shardId) => checkpoints.get(`${STREAM}/${shardId}`),
        handle: async (shardId, batch) => {
          const res = await replicateShardBatch(shardId, batch, { target: replKc, targetStream: REGION2_STREAM, sourceStream: STREAM, checkpoints });
          lag.push(...res.lagMs);
          if (process.env.BENCH_DEBUG && res.lagMs.length) lagTimeline.push([Date.now() - t0, Math.max(...res.lagMs), res.replicated]);
          replicated += res.replicated;
          if (!consumes) {
            // The replicator alone: end-to-end is API receipt -> copy accepted by R1.
            const now = Date.now();
            for (const r of batch) written.push({ at: now, data: r.data });
            lastWrite = now;
          }
          return undefined;
        },
      })
    : undefined;
  await consumer?.start();
  await replicator?.start();

  // Producer: POST /records, 500 per request, IN_FLIGHT requests at once; with a rate, the request holding record
  // `from` is sent no earlier than `from / rate` seconds after the start.
  const cpuStart = process.cpuUsage();
  const kCpu0 = childCpu(kinesis.child);
  const dCpu0 = childCpu(dynamo.child);
  const aCpu0 = apiChild ? childCpu(apiChild.child) : 0;
  const started = Date.now();
  let next = 0;
  const producer = async () => {
    while (next < records) {
      const from = next;
      next += BATCH;
      const count = Math.min(BATCH, records - from);
      if (o.rate > 0) {
        const due = started + (from / o.rate) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      const body = JSON.stringify({ records: Array.from({ length: count }, (_, i) => ({ id: `bench-${from + i}`, partitionKey: `device-${(from + i) % 997}`, data: { seq: from + i, reading: (from + i) * 0.5, note: 'caf\u00e9 "quoted" \u2713' } })) });
      const res = await fetch(`${api.url}/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const out = (await res.json()) as { failedRecordCount?: number };
      if (res.status !== 200 || out.failedRecordCount) throw new Error(`POST /records answered ${res.status}: ${JSON.stringify(out).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
  const produced = Date.now();
  const deadline = Date.now() + 30 * 60_000;
  while ((consumer && consumed < records) || (replicator && replicated < records)) {
    if (Date.now() > deadline) throw new Error(`${variant} ${records}: only ${consumed} consumed, ${replicated} replicated after 30 minutes`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const done = Date.now();
  const cpu = process.cpuUsage(cpuStart);
  const cpuS = { bench: round1((cpu.user + cpu.system) / 1e6), api: apiChild ? round1(childCpu(apiChild.child) - aCpu0) : null, kinesalite: round1(childCpu(kinesis.child) - kCpu0), dynalite: round1(childCpu(dynamo.child) - dCpu0) };
  // Throughput of the row's own pipeline; with both consumers, until both are done.
  const end = variant === 'e1+replicator' ? done : lastWrite;
  const seconds = (end - started) / 1000;
  if (process.env.BENCH_DEBUG) {
    console.error(`${variant} ${records}: produced in ${produced - started} ms, done in ${end - started} ms; CPU s ${JSON.stringify(cpuS)}; bench event-loop delay p50/p99/max ${[loopDelay.percentile(50), loopDelay.percentile(99), loopDelay.max].map((n) => Math.round(n / 1e6)).join('/')} ms`);
    // Per second of the run: batches copied, records, largest lag (ms).
    const perSecond = new Map<number, [number, number, number]>();
    for (const [t, l, n] of lagTimeline) {
      const s = perSecond.get(Math.floor(t / 1000)) ?? [0, 0, 0];
      perSecond.set(Math.floor(t / 1000), [s[0] + 1, s[1] + n, Math.max(s[2], l)]);
    }
    for (const [name, ms] of callMs) console.error(`  replicator ${name}: ${ms.length} calls, ms p50/p90/max ${[percentile(ms, 50), percentile(ms, 90), Math.max(...ms)].join('/')}`);
    if (perSecond.size) console.error(`  lag by second (s: batches/records/max lag ms): ${[...perSecond].map(([s, [b, n, l]]) => `${s}: ${b}/${n}/${l}`).join(', ')}`);
  }
  clearInterval(rssTimer);
  loopDelay.disable();
  await consumer?.stop();
  await replicator?.stop();
  for (const w of written) {
    const at = receivedAt(w.data);
    if (at !== undefined) e2e.push(w.at - at);
  }
  await api.close();
  kc.destroy();
  ddb.destroy();
  replKc.destroy();
  replDdb.destroy();
  return {
    records,
    requested_records: requested,
    variant,
    records_per_s: Math.round(records / seconds),
    p99_end_to_end_ms: Math.round(percentile(e2e, 99)),
    replication_lag_ms: replicator ? Math.round(percentile(lag, 99)) : null,
    peak_rss_mb: Math.round(peakRss / 1024 / 1024),
    seconds: round1(seconds),
    load_avg_1m_before: Math.round(loadBefore * 100) / 100,
    load_avg_1m_after: Math.round(loadavg()[0] * 100) / 100,
    cpu_s: cpuS,
    kinesalite: stockKinesalite ? 'stock' : 'sped-up',
    offered_records_per_s: o.rate > 0 ? o.rate : null,
    api: apiChild ? 'process' : 'in-process',
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizesRaw = flag('--records') ?? '10000,100000';
  const sizes = sizesRaw.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--records: expected sizes such as 10000,100000 (received ${JSON.stringify(sizesRaw)})`);
  const naiveMaxRaw = flag('--naive-max') ?? '10000';
  const naiveMax = Number(naiveMaxRaw);
  if (!Number.isInteger(naiveMax) || naiveMax < 1) throw new Error(`--naive-max: expected a whole number of at least 1 (received ${JSON.stringify(naiveMaxRaw)})`);
  const variantsRaw = flag('--variants') ?? VARIANTS.join(',');
  const variants = variantsRaw.split(',') as Variant[];
  const unknown = variants.find((v) => !VARIANTS.includes(v));
  if (unknown !== undefined) throw new Error(`--variants: ${JSON.stringify(unknown)} is not one of ${VARIANTS.join(', ')} (received ${JSON.stringify(variantsRaw)})`);
  const stockKinesalite = argv.includes('--stock-kinesalite');
  const apiInProcess = argv.includes('--api-in-process');
  const rateRaw = flag('--rate') ?? String(STREAM_WRITE_RECORDS_PER_S);
  const rate = Number(rateRaw);
  if (!Number.isInteger(rate) || rate < 0) throw new Error(`--rate: expected records per second, a whole number (0: as fast as the API takes them) (received ${JSON.stringify(rateRaw)})`);
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  console.log(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min); kinesalite ${stockKinesalite ? 'stock' : 'sped up (BigInt sequence numbers)'}; API ${apiInProcess ? 'in this process' : 'in its own process'}; producer ${rate > 0 ? `offers ${rate} records/s${rate === STREAM_WRITE_RECORDS_PER_S ? ` (the stream's write capacity: ${SHARDS} shards x ${SHARD_WRITE_LIMITS.recordsPerSecond})` : ''}` : 'as fast as the API takes records (--rate 0)'}`);
  const rows: Row[] = [];
  for (const n of sizes) {
    for (const variant of variants) {
      const count = variant === 'naive' ? Math.min(n, naiveMax) : n;
      if (count < n) console.log(`naive at ${n}: capped at --naive-max ${naiveMax} records (one PutItem at a time); its row says records ${count}, requested_records ${n}`);
      const row = await run(count, n, variant, { stockKinesalite, apiInProcess, rate });
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const out = flag('--out');
  const file = out ? resolve(out) : join(resolve(__dirname, '..', 'results'), 'ingestion.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
  console.log('');
  console.log('| records (of) | variant | records/s | p99 end-to-end (ms) | replication lag p99 (ms) | peak RSS (MB) | s | CPU s bench / API / kinesalite / dynalite | load 1m before/after |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const r of rows) {
    const of = r.records === r.requested_records ? `${r.records}` : `${r.records} (of ${r.requested_records})`;
    console.log(`| ${of} | ${r.variant} | ${r.records_per_s} | ${r.p99_end_to_end_ms} | ${r.replication_lag_ms ?? '-'} | ${r.peak_rss_mb} | ${r.seconds} | ${r.cpu_s.bench} / ${r.cpu_s.api ?? '(in bench)'} / ${r.cpu_s.kinesalite} / ${r.cpu_s.dynalite} | ${r.load_avg_1m_before} / ${r.load_avg_1m_after} |`);
  }
  for (const n of sizes) {
    const at = (v: Variant) => rows.find((r) => r.requested_records === n && r.variant === v);
    const e = at('e1');
    const b = at('naive');
    const parts: string[] = [];
    if (e && b) parts.push(`E1 ${(e.records_per_s / b.records_per_s).toFixed(1)}x the naive consumer${b.records < n ? ` (naive ran ${b.records} records)` : ''} (target >= 5x)`);
    for (const v of ['replicator', 'e1+replicator'] as const) {
      const r = at(v);
      if (r) parts.push(`replication lag p99 ${r.replication_lag_ms} ms (${v}; target < 2000)`);
    }
    console.log(`${n} records: ${parts.join('; ') || 'nothing to compare'}`);
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
}

main().catch((e: Error) => {
  console.error(`bench:ingestion: ${e.message}`);
  process.exit(1);
});
