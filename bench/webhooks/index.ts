/**
 * `npm run bench:webhooks [-- --events 1000,100000 --concurrency 60 --naive-max 10000 --warmup 10000 --dynamodb-writes 2000 --sender-rows on]`
 *
 * The delivery path of the Delivery Service, measured on this machine as the Lambda runs it: its batch handler
 * (`handleBatch`: SQS records parsed, the batch's deliveries run concurrently) over processDelivery (event and
 * endpoint read through the store interface, circuit breaker and rate-limit bookkeeping, SSRF check of every resolved
 * address, Standard Webhooks signature, HTTP POST with the production sender, attempt recorded through the store
 * interface, breaker state written back) against a local keep-alive receiver in its own process, with the in-memory
 * store (the same WebhookStore interface the Lambda uses on DynamoDB). The endpoint URL has a host name
 * (`localhost`), so every attempt goes through the delivery resolver (answers cached 30 s per host) and the check.
 *
 *  - pipeline: batches of the stack's event source batch size (10), `--concurrency` / 10 of them in flight, as
 *    invocations of the Delivery Service run side by side; each takes the next batch when its own has ended. Over the
 *    sender's keep-alive pool (undici, one request per connection at a time).
 *  - naive: the baseline, in the same run: the same handler with one record per batch, one at a time, and the same
 *    sender function with `keepAlive: false` (a new connection per request, `Connection: close`).
 *  - sender alone (`--sender-rows on`, the default): the same two, the HTTP exchange only: the production sender
 *    with the same body and headers (one signature computed before the clock), no SQS parsing, store, SSRF check or
 *    signing per delivery: the ratio the pipeline would reach if the delivery path had no work of its own.
 *  - dynamodb-record-attempt: the attempt write alone, through DynamoStore against dynalite (in its own process),
 *    16 in flight, reported beside it (not part of the pipeline figure).
 *
 * First up to 2,000 naive and then `--warmup` pipeline deliveries run unmeasured, so the JIT has compiled the path, as
 * in a warm Lambda instance; one sender per variant serves the whole run, as one serves a Lambda instance.
 *
 * Latency: per delivery, end to end from the start of its batch to its own end (a delivery does not wait for the rest
 * of its batch); "added" = end to end minus the HTTP exchange (the receiver's own time and the loopback round trip),
 * i.e. what the pipeline adds, its share of the batch's signing and bookkeeping included. CPU: user + system time per
 * delivery of this process and of the receiver's (Linux /proc), a figure less sensitive than rates to other load on
 * the machine. Prints a table, writes bench/results/webhooks.json and states the machine's load (os.loadavg()) before
 * and after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/lib/aws';
import type { SQSRecord } from 'aws-lambda';
import { handleBatch } from '../../lambdas/webhooks/delivery/batch';
import { type DeliveryDeps } from '../../lambdas/webhooks/delivery/core';
import { DEFAULT_BREAKER_POLICY } from '../../lambdas/webhooks/shared/breaker';
import { DynamoStore } from '../../lambdas/webhooks/shared/dynamo-store';
import { httpSender, type Sender } from '../../lambdas/webhooks/shared/http-send';
import { keyringBox, newKeyring } from '../../lambdas/webhooks/shared/keyring';
import { DEFAULT_RETRY_POLICY } from '../../lambdas/webhooks/shared/retry';
import { generateEndpointSecret, signatureHeaders } from '../../lambdas/webhooks/shared/signing';
import { resolveSafe, type SsrfPolicy } from '../../lambdas/webhooks/shared/ssrf';
import { MemoryStore, type EventRecord } from '../../lambdas/webhooks/shared/store';
import { WEBHOOKS_SETTINGS } from '../../systems/webhooks/settings';

/** Records per Lambda invocation: the stack's event source mapping setting. */
const DELIVERY_BATCH_SIZE = WEBHOOKS_SETTINGS.deliverySource.batchSize;
const eventId = (i: number) => `evt_${String(i).padStart(26, '0')}`;

interface Row {
  events: number;
  variant: string;
  deliveries_per_s: number;
  p50_ms: number;
  p99_ms: number;
  added_p50_ms: number | null;
  added_p99_ms: number | null;
  peak_rss_mb: number;
  /** CPU time (user + system) per delivery of the process running the pipeline, and of the receiver's process. */
  cpu_us_per_delivery: number | null;
  receiver_cpu_us_per_delivery: number | null;
}

function args() {
  const a = process.argv.slice(2);
  const get = (flag: string, fallback: string) => {
    const i = a.indexOf(flag);
    return i >= 0 && a[i + 1] ? a[i + 1] : fallback;
  };
  const sizes = get('--events', '1000,100000').split(',').map(Number);
  const concurrency = Number(get('--concurrency', '60'));
  // The naive baseline is one delivery at a time over a new connection: its rate does not depend on the size, so
  // larger sizes are capped (as bench:onboarding caps its per-row baseline); the row says how many it ran.
  const naiveMax = Number(get('--naive-max', '10000'));
  // Deliveries run first and are not measured (naive, then pipeline): the JIT compiles the path and the heap sizes
  // itself, as in a warm Lambda instance (10,000 deliveries: 1,000 SQS batches of 10).
  const warmup = Number(get('--warmup', '10000'));
  // The DynamoDB attempt-write row (0 leaves it out).
  const dynamoWrites = Number(get('--dynamodb-writes', String(Math.min(2000, Math.max(...sizes)))));
  // The two sender-alone rows per size (the HTTP exchange without the delivery path's own work).
  const senderRows = get('--sender-rows', 'on');
  if (senderRows !== 'on' && senderRows !== 'off') throw new Error(`--sender-rows: received ${JSON.stringify(senderRows)}; expected on or off`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(concurrency) || concurrency < 1 || !Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(dynamoWrites) || dynamoWrites < 0) {
    throw new Error(`--events: received ${JSON.stringify(get('--events', ''))}, --concurrency: ${concurrency}, --warmup: ${warmup}, --dynamodb-writes: ${dynamoWrites}; expected whole numbers (>= 1; --warmup and --dynamodb-writes >= 0)`);
  }
  return { sizes, concurrency, naiveMax, warmup, dynamoWrites, senderRows: senderRows === 'on' };
}

function startChild(cmd: string, argv: string[], readyLine: RegExp): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = readyLine.exec(out);
      if (m) resolvePromise({ child, line: m[0] });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)));
  });
}

/** CPU time (ms) a process has used so far (Linux: /proc/<pid>/stat, in clock ticks of 10 ms); null elsewhere. */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const round = (n: number) => Math.round(n * 100) / 100;

/** Samples the RSS every 20 ms while `run` runs. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMb: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * One sender per variant for the whole process, as the Lambda keeps one per instance (`httpSender()` in its lazily
 * built dependencies): the pipeline's keep-alive connections outlive a run while they are busy, like a warm instance's.
 */
const SENDERS: Record<'pipeline' | 'naive', Sender> = { pipeline: httpSender(), naive: httpSender({ keepAlive: false }) };

/** Local receivers only: loopback is allow-listed, as in local mode (a deployed stack never allows it). */
const BENCH_SSRF: SsrfPolicy = { requireHttps: false, allowAddresses: ['127.0.0.1', '::1'] };

/**
 * `scope`: 'delivery' runs the Lambda's batch handler; 'sender' runs only the HTTP exchange of each delivery (same
 * sender, body and headers, the same batches and concurrency), i.e. what the pipeline would cost with no work of its own.
 * `requested`: the row's size when fewer deliveries ran (a capped baseline); its name says how many ran.
 */
async function deliveryRun(events: number, receiver: { port: number; pid: number }, variant: 'pipeline' | 'naive', concurrency: number, scope: 'delivery' | 'sender' = 'delivery', requested = events): Promise<Row> {
  const { port } = receiver;
  const store = new MemoryStore();
  const ring = newKeyring(new Date(), null);
  const box = keyringBox(() => ring);
  // A host name, as real endpoints have: every attempt goes through the resolver (cached per host) and the SSRF check.
  await store.putEndpoint({ id: 'ep_bench', url: `http://localhost:${port}/hook`, eventTypes: ['bench.event'], status: 'active', secrets: [{ sealed: box.seal(generateEndpointSecret()), createdAt: new Date().toISOString() }], createdAt: new Date().toISOString(), createdBy: 'bench' });
  const body = JSON.stringify({ type: 'bench.event', timestamp: new Date().toISOString(), data: { orderId: 'o-123456', amount: 4200, currency: 'EUR', items: [{ sku: 'sku-1', qty: 2 }, { sku: 'sku-2', qty: 1 }] } });
  for (let i = 0; i < events; i++) {
    const e: EventRecord = { id: eventId(i), type: 'bench.event', body, createdAt: new Date().toISOString(), status: 'pending', deliveries: { ep_bench: 'pending' }, attempts: [], pendingCount: 1, failedCount: 0, expiresAt: 0, createdBy: 'bench' };
    await store.createEvent(e);
  }
  const inner: Sender = SENDERS[variant];
  // The HTTP exchange is timed around the sender, so the pipeline's own share can be told apart. Kept by delivery
  // index (the webhook-id is the event id, "evt_" + the index): the bench's own bookkeeping stays out of the figures
  // as far as it can (no string building or map per delivery).
  const httpMs = new Float64Array(events);
  const total = new Float64Array(events);
  const timed: Sender = async (t, h, b, to) => {
    const s = performance.now();
    const r = await inner(t, h, b, to);
    httpMs[Number(h['webhook-id'].slice(4))] = performance.now() - s;
    return r;
  };
  const deps: DeliveryDeps = {
    store,
    queue: { send: async () => undefined, sendToDeadLetter: async () => undefined },
    box,
    send: timed,
    retry: DEFAULT_RETRY_POLICY,
    breaker: DEFAULT_BREAKER_POLICY,
    ssrf: BENCH_SSRF,
    timeoutMs: 15_000,
    defaultRateLimitPerSecond: 1_000_000,
    disableAfterMs: 5 * 86_400_000,
    now: Date.now,
    random: Math.random,
  };
  // The SQS records as the event source mapping hands them to the Lambda, built before the clock starts.
  const batchSize = variant === 'pipeline' ? DELIVERY_BATCH_SIZE : 1;
  const batches: SQSRecord[][] = [];
  for (let i = 0; i < events; i += batchSize) {
    batches.push(Array.from({ length: Math.min(batchSize, events - i) }, (_, k) => ({ messageId: String(i + k), body: JSON.stringify({ eventId: eventId(i + k), endpointId: 'ep_bench', attempt: 1 }) }) as SQSRecord));
  }
  let next = 0;
  let failures = 0;
  let delivered = 0;
  // Sender alone: the target checked and the headers signed once, before the clock (same sizes as every delivery's).
  const ep = store.endpoints.get('ep_bench')!;
  const senderTarget = scope === 'sender' ? await resolveSafe(ep.url, BENCH_SSRF) : undefined;
  const senderHeaders = scope === 'sender' ? signatureHeaders(eventId(0), new Date(), body, [box.open(ep.secrets[0].sealed)]) : undefined;
  const sendAlone = async (batch: SQSRecord[], started: number) => {
    await Promise.all(
      batch.map(async (r) => {
        const i = Number(r.messageId);
        const s = performance.now();
        const { statusCode } = await inner(senderTarget!, senderHeaders!, body, deps.timeoutMs);
        const end = performance.now();
        total[i] = end - started;
        httpMs[i] = end - s;
        if (statusCode < 200 || statusCode >= 300) failures++;
        else delivered++;
      }),
    );
  };
  // One "invocation": the Lambda's batch handler over the next batch, until none is left; `width` of them in flight.
  const invocation = async () => {
    for (;;) {
      const batch = batches[next++];
      if (!batch) return;
      const started = performance.now();
      if (scope === 'sender') {
        await sendAlone(batch, started);
        continue;
      }
      const result = await handleBatch({ Records: batch }, deps, {
        // Called as each delivery of the batch ends: its end to end time counts from the batch's start.
        outcome(messageId, outcome) {
          total[Number(messageId)] = performance.now() - started;
          if (outcome !== 'succeeded') failures++;
        },
        failed: () => undefined,
      });
      failures += result.batchItemFailures.length;
    }
  };
  const width = variant === 'pipeline' ? Math.max(1, Math.floor(concurrency / batchSize)) : 1;
  const cpu0 = process.cpuUsage();
  const receiverCpu0 = processCpuMs(receiver.pid);
  const { result: seconds, peakMb } = await withPeakRss(async () => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: width }, invocation));
    return (performance.now() - t0) / 1000;
  });
  const cpu = process.cpuUsage(cpu0);
  const receiverCpu1 = processCpuMs(receiver.pid);
  if (failures) throw new Error(`${variant} ${scope} ${events}: ${failures} deliveries did not succeed`);
  if (scope === 'delivery') delivered = [...store.events.values()].filter((e) => e.status === 'delivered').length;
  if (delivered !== events) throw new Error(`${variant} ${scope} ${events}: ${delivered} events delivered`);
  const sortedTotal = Array.from(total).sort((a, b) => a - b);
  const added = Array.from(total, (t, i) => t - httpMs[i]).sort((a, b) => a - b);
  const mode = variant === 'pipeline' ? 'keep-alive' : 'new connection';
  const detail = variant === 'pipeline' ? `${width} batches of ${batchSize} in flight` : `1 at a time${requested > events ? `; ran ${events} of ${requested}` : ''}`;
  const name = scope === 'sender' ? `sender alone, ${mode} (${detail})` : `${variant} (${mode}, ${detail})`;
  return { events: requested, variant: name, deliveries_per_s: Math.round(events / seconds), p50_ms: round(pct(sortedTotal, 50)), p99_ms: round(pct(sortedTotal, 99)), added_p50_ms: round(pct(added, 50)), added_p99_ms: round(pct(added, 99)), peak_rss_mb: peakMb, cpu_us_per_delivery: Math.round((cpu.user + cpu.system) / events), receiver_cpu_us_per_delivery: receiverCpu0 === null || receiverCpu1 === null ? null : Math.round(((receiverCpu1 - receiverCpu0) * 1000) / events) };
}

async function dynamoRun(writes: number): Promise<Row> {
  // dynalite in its own process, on a free port.
  const net = await import('node:net');
  const free = await new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });
  const child = spawn(process.execPath, [require.resolve('dynalite/cli.js'), '--host', '127.0.0.1', '--port', String(free), '--createTableMs', '0'], { stdio: 'ignore' });
  try {
    const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${free}`, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    for (let i = 0; ; i++) {
      try {
        await ddb.send(new CreateTableCommand({ TableName: 'events', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const store = new DynamoStore(documentClient(ddb), { events: 'events', endpoints: 'events' });
    for (let i = 0; i < writes; i++) await store.createEvent({ id: `evt_${i}`, type: 'bench.event', body: '{}', createdAt: new Date().toISOString(), status: 'pending', deliveries: { ep_bench: 'pending' }, attempts: [], pendingCount: 1, failedCount: 0, expiresAt: 0, createdBy: 'bench' });
    const times: number[] = [];
    let next = 0;
    const { result: seconds, peakMb } = await withPeakRss(async () => {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (;;) {
            const i = next++;
            if (i >= writes) return;
            const s = performance.now();
            await store.recordAttempt(`evt_${i}`, { endpointId: 'ep_bench', attempt: 1, at: new Date().toISOString(), outcome: 'success', statusCode: 204, latencyMs: 1 }, 'succeeded');
            times.push(performance.now() - s);
          }
        }),
      );
      return (performance.now() - t0) / 1000;
    });
    times.sort((a, b) => a - b);
    ddb.destroy();
    return { events: writes, variant: 'dynamodb-record-attempt (dynalite, 16 in flight)', deliveries_per_s: Math.round(writes / seconds), p50_ms: round(pct(times, 50)), p99_ms: round(pct(times, 99)), added_p50_ms: null, added_p99_ms: null, peak_rss_mb: peakMb, cpu_us_per_delivery: null, receiver_cpu_us_per_delivery: null };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const { sizes, concurrency, naiveMax, warmup, dynamoWrites, senderRows } = args();
  const loadBefore = loadavg().map((l) => round(l));
  const receiver = await startChild(process.execPath, [join(__dirname, 'receiver.js')], /^\d+\n/);
  const target = { port: Number(receiver.line.trim()), pid: receiver.child.pid! };
  const rows: Row[] = [];
  // The baseline warms up too: after 500 deliveries its 1,000-event row ran 15-23 % slower than its 10,000-event
  // row (2026-12-05), which flattered the ratio; 2,000 (about 3 s) narrows that (docs/webhooks.md, Figures).
  const naiveWarmup = Math.min(warmup, 2000);
  try {
    if (warmup > 0) {
      await deliveryRun(naiveWarmup, target, 'naive', concurrency);
      await deliveryRun(warmup, target, 'pipeline', concurrency);
    }
    for (const n of sizes) {
      rows.push(await deliveryRun(n, target, 'pipeline', concurrency));
      rows.push(await deliveryRun(Math.min(n, naiveMax), target, 'naive', concurrency, 'delivery', n));
      if (senderRows) {
        rows.push(await deliveryRun(n, target, 'pipeline', concurrency, 'sender'));
        rows.push(await deliveryRun(Math.min(n, naiveMax), target, 'naive', concurrency, 'sender', n));
      }
    }
    if (dynamoWrites > 0) rows.push(await dynamoRun(dynamoWrites));
  } finally {
    receiver.child.kill();
  }
  const loadAfter = loadavg().map((l) => round(l));
  const out = resolve(__dirname, '..', 'results', 'webhooks.json');
  mkdirSync(resolve(__dirname, '..', 'results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  const header = ['events', 'variant', 'deliveries/s', 'p50 ms', 'p99 ms', 'added p50', 'added p99', 'peak RSS MB', 'CPU us/dlv', 'receiver CPU us/dlv'];
  const dash = (v: number | null) => (v === null ? '-' : String(v));
  const lines = rows.map((r) => [String(r.events), r.variant, String(r.deliveries_per_s), String(r.p50_ms), String(r.p99_ms), dash(r.added_p50_ms), dash(r.added_p99_ms), String(r.peak_rss_mb), dash(r.cpu_us_per_delivery), dash(r.receiver_cpu_us_per_delivery)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols: string[]) => cols.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(fmt).join('\n')}\n`);
  for (const n of sizes) {
    const p = rows.find((r) => r.events === n && r.variant.startsWith('pipeline'))!;
    const b = rows.find((r) => r.events === n && r.variant.startsWith('naive'))!;
    process.stdout.write(`${n} events: pipeline ${p.deliveries_per_s}/s = ${round(p.deliveries_per_s / b.deliveries_per_s)}x the naive baseline; added p99 ${p.added_p99_ms} ms (targets: >= 5000/s, >= 10x, <= 5 ms)\n`);
    const sp = rows.find((r) => r.events === n && r.variant.startsWith('sender alone, keep-alive'));
    const sn = rows.find((r) => r.events === n && r.variant.startsWith('sender alone, new connection'));
    if (sp && sn) process.stdout.write(`${n} events: sender alone ${sp.deliveries_per_s}/s = ${round(sp.deliveries_per_s / sn.deliveries_per_s)}x its new-connection twin (the HTTP exchange alone: the ratio the pipeline would reach with no work of its own)\n`);
  }
  process.stdout.write(`warm-up (not measured): ${naiveWarmup} naive, then ${warmup} pipeline deliveries\n`);
  process.stdout.write(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; load average (1/5/15 min) before ${loadBefore.join(' / ')}, after ${loadAfter.join(' / ')}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench:webhooks: ${(e as Error).stack}\n`);
  process.exit(1);
});
