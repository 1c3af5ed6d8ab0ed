/**
 * `npm run bench:webhooks [-- --events 1000,100000 --concurrency 64 --naive-max 10000]`
 *
 * The delivery path of the Delivery Service, measured on this machine: processDelivery (SSRF check of the resolved
 * address, Standard Webhooks signature, HTTP POST, attempt recorded through the store interface, circuit breaker and
 * rate-limit bookkeeping) against a local keep-alive receiver in its own process, with the in-memory store (the same
 * WebhookStore interface the Lambda uses on DynamoDB).
 *
 *  - pipeline: keep-alive connections, `--concurrency` deliveries in flight (one Lambda batch runs 10 at once; several
 *    batches run side by side).
 *  - naive: the baseline, in the same run: a new connection per request, one delivery at a time.
 *  - dynamodb-record-attempt: the attempt write alone, through DynamoStore against dynalite (in its own process),
 *    16 in flight, reported beside it (not part of the pipeline figure).
 *
 * Latency: per delivery, end to end; "added" = end to end minus the HTTP exchange (the receiver's own time and the
 * loopback round trip), i.e. what the pipeline adds. Prints a table, writes bench/results/webhooks.json and states
 * the machine's load (os.loadavg()) before and after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lambdas/lib/aws';
import { processDelivery, type DeliveryDeps } from '../../lambdas/webhooks/delivery/core';
import { DEFAULT_BREAKER_POLICY } from '../../lambdas/webhooks/shared/breaker';
import { DynamoStore } from '../../lambdas/webhooks/shared/dynamo-store';
import { httpSender, type Sender } from '../../lambdas/webhooks/shared/http-send';
import { keyringBox, newKeyring } from '../../lambdas/webhooks/shared/keyring';
import { DEFAULT_RETRY_POLICY } from '../../lambdas/webhooks/shared/retry';
import { generateEndpointSecret } from '../../lambdas/webhooks/shared/signing';
import { MemoryStore, type EventRecord } from '../../lambdas/webhooks/shared/store';

interface Row {
  events: number;
  variant: string;
  deliveries_per_s: number;
  p50_ms: number;
  p99_ms: number;
  added_p50_ms: number | null;
  added_p99_ms: number | null;
  peak_rss_mb: number;
}

function args() {
  const a = process.argv.slice(2);
  const get = (flag: string, fallback: string) => {
    const i = a.indexOf(flag);
    return i >= 0 && a[i + 1] ? a[i + 1] : fallback;
  };
  const sizes = get('--events', '1000,100000').split(',').map(Number);
  const concurrency = Number(get('--concurrency', '64'));
  // The naive baseline is one delivery at a time over a new connection: its rate does not depend on the size, so
  // larger sizes are capped (as bench:onboarding caps its per-row baseline); the row says how many it ran.
  const naiveMax = Number(get('--naive-max', '10000'));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`--events: received ${JSON.stringify(get('--events', ''))}, --concurrency: ${concurrency}; expected whole numbers >= 1`);
  }
  return { sizes, concurrency, naiveMax };
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

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const round = (n: number) => Math.round(n * 100) / 100;

/** Samples the RSS every 20 ms while `run` runs. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMb: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

async function deliveryRun(events: number, port: number, variant: 'pipeline' | 'naive', concurrency: number): Promise<Row> {
  const store = new MemoryStore();
  const ring = newKeyring(new Date(), null);
  const box = keyringBox(() => ring);
  await store.putEndpoint({ id: 'ep_bench', url: `http://127.0.0.1:${port}/hook`, eventTypes: ['bench.event'], status: 'active', secrets: [{ sealed: box.seal(generateEndpointSecret()), createdAt: new Date().toISOString() }], createdAt: new Date().toISOString(), createdBy: 'bench' });
  const body = JSON.stringify({ type: 'bench.event', timestamp: new Date().toISOString(), data: { orderId: 'o-123456', amount: 4200, currency: 'EUR', items: [{ sku: 'sku-1', qty: 2 }, { sku: 'sku-2', qty: 1 }] } });
  for (let i = 0; i < events; i++) {
    const e: EventRecord = { id: `evt_${String(i).padStart(26, '0')}`, type: 'bench.event', body, createdAt: new Date().toISOString(), status: 'pending', deliveries: { ep_bench: 'pending' }, attempts: [], pendingCount: 1, failedCount: 0, expiresAt: 0, createdBy: 'bench' };
    await store.createEvent(e);
  }
  const inner: Sender = httpSender({ keepAlive: variant === 'pipeline' });
  const httpMs: number[] = new Array(events);
  const total: number[] = new Array(events);
  const deps: DeliveryDeps = {
    store,
    queue: { send: async () => undefined, sendToDeadLetter: async () => undefined },
    box,
    send: inner,
    retry: DEFAULT_RETRY_POLICY,
    breaker: DEFAULT_BREAKER_POLICY,
    ssrf: { requireHttps: false, allowAddresses: ['127.0.0.1'] },
    timeoutMs: 15_000,
    defaultRateLimitPerSecond: 1_000_000,
    disableAfterMs: 5 * 86_400_000,
    now: Date.now,
    random: Math.random,
  };
  let next = 0;
  let failures = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= events) return;
      const started = performance.now();
      // The HTTP exchange is timed around the sender, so the pipeline's own share can be told apart.
      const wrapped: DeliveryDeps = { ...deps, send: async (t, h, b, to) => { const s = performance.now(); const r = await inner(t, h, b, to); httpMs[i] = performance.now() - s; return r; } };
      const outcome = await processDelivery({ eventId: `evt_${String(i).padStart(26, '0')}`, endpointId: 'ep_bench', attempt: 1 }, wrapped);
      if (outcome !== 'succeeded') failures++;
      total[i] = performance.now() - started;
    }
  };
  const width = variant === 'pipeline' ? concurrency : 1;
  const { result: seconds, peakMb } = await withPeakRss(async () => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: width }, worker));
    return (performance.now() - t0) / 1000;
  });
  if (failures) throw new Error(`${variant} ${events}: ${failures} deliveries did not succeed`);
  const delivered = [...store.events.values()].filter((e) => e.status === 'delivered').length;
  if (delivered !== events) throw new Error(`${variant} ${events}: ${delivered} events delivered`);
  const sortedTotal = [...total].sort((a, b) => a - b);
  const added = total.map((t, i) => t - httpMs[i]).sort((a, b) => a - b);
  return { events, variant: variant === 'pipeline' ? `pipeline (keep-alive, ${concurrency} in flight)` : 'naive (new connection, 1 at a time)', deliveries_per_s: Math.round(events / seconds), p50_ms: round(pct(sortedTotal, 50)), p99_ms: round(pct(sortedTotal, 99)), added_p50_ms: round(pct(added, 50)), added_p99_ms: round(pct(added, 99)), peak_rss_mb: peakMb };
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
    return { events: writes, variant: 'dynamodb-record-attempt (dynalite, 16 in flight)', deliveries_per_s: Math.round(writes / seconds), p50_ms: round(pct(times, 50)), p99_ms: round(pct(times, 99)), added_p50_ms: null, added_p99_ms: null, peak_rss_mb: peakMb };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const { sizes, concurrency, naiveMax } = args();
  const loadBefore = loadavg().map((l) => round(l));
  const receiver = await startChild(process.execPath, [join(__dirname, 'receiver.js')], /^\d+\n/);
  const port = Number(receiver.line.trim());
  const rows: Row[] = [];
  try {
    for (const n of sizes) {
      rows.push(await deliveryRun(n, port, 'pipeline', concurrency));
      rows.push({ ...(await deliveryRun(Math.min(n, naiveMax), port, 'naive', concurrency)), events: n, ...(n > naiveMax ? { variant: `naive (new connection, 1 at a time; ran ${naiveMax} of ${n})` } : {}) });
    }
    rows.push(await dynamoRun(Math.min(2000, Math.max(...sizes))));
  } finally {
    receiver.child.kill();
  }
  const loadAfter = loadavg().map((l) => round(l));
  const out = resolve(__dirname, '..', 'results', 'webhooks.json');
  mkdirSync(resolve(__dirname, '..', 'results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  const header = ['events', 'variant', 'deliveries/s', 'p50 ms', 'p99 ms', 'added p50', 'added p99', 'peak RSS MB'];
  const lines = rows.map((r) => [String(r.events), r.variant, String(r.deliveries_per_s), String(r.p50_ms), String(r.p99_ms), r.added_p50_ms === null ? '-' : String(r.added_p50_ms), r.added_p99_ms === null ? '-' : String(r.added_p99_ms), String(r.peak_rss_mb)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols: string[]) => cols.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(fmt).join('\n')}\n`);
  for (const n of sizes) {
    const p = rows.find((r) => r.events === n && r.variant.startsWith('pipeline'))!;
    const b = rows.find((r) => r.events === n && r.variant.startsWith('naive'))!;
    process.stdout.write(`${n} events: pipeline ${p.deliveries_per_s}/s = ${round(p.deliveries_per_s / b.deliveries_per_s)}x the naive baseline; added p99 ${p.added_p99_ms} ms (targets: >= 5000/s, >= 10x, <= 5 ms)\n`);
  }
  process.stdout.write(`machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; load average (1/5/15 min) before ${loadBefore.join(' / ')}, after ${loadAfter.join(' / ')}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench:webhooks: ${(e as Error).stack}\n`);
  process.exit(1);
});
