/**
 * `npm run bench:recall`: the Notification Poller's priority scheme against a naive single-queue
 * FIFO consumer, in the same run, on the same machine.
 *
 * Scenario per backlog size B (1,000 and 10,000): B low-priority notifications wait, then 100
 * high-priority ones arrive. Both variants process every message with the poller's real code
 * (processInOrder: parse, idempotency claim/complete, send, delete) against the in-memory SQS
 * stand-in, with mocked SES/SNS that take SEND_LATENCY_MS per call (a real timer), 10 sends in
 * flight. Variants:
 * - weighted: the poller as deployed (three queues, rounds of 8:3:1 receive slots, spare slots to the most urgent non-empty queue);
 * - fifo:     one queue, everything in arrival order, receive 10 / send / delete until empty.
 * Measured: notifications/s over the whole drain (wall clock), and the wait of each high message
 * (enqueue to send, ms) as p50/p99. Writes bench/results/recall.json, prints a table and the
 * machine's load. Each configuration runs 3 times, interleaved; the median-throughput run is
 * reported. Targets (issue 13): weighted high p99 >= 10x lower than fifo's; total
 * throughput within 10 % of fifo's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { processInOrder, runPoller, type PollerDeps } from '../../lambdas/recall/notification-poller/core';
import { RECEIVE_BATCH } from '../../lambdas/recall/notification-poller/scheduler';
import { MemoryIdempotencyStore } from '../../lambdas/recall/shared/idempotency';
import { QueueStandIn } from '../../lambdas/recall/local/queue-stand-in';
import { RecordingSender } from '../../lambdas/recall/local/mock-senders';
import { sampleNotification } from '../../lambdas/recall/local/sample';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results', 'recall.json');
const BACKLOGS = [1_000, 10_000];
const HIGH = 100;
const SEND_LATENCY_MS = 2;
const CONCURRENCY = 10;
/** Runs per configuration; the median-throughput run is reported. */
const REPEATS = 3;

export interface RecallBenchResult {
  readonly backlog: number;
  readonly variant: 'weighted' | 'fifo';
  readonly notifications: number;
  readonly elapsed_ms: number;
  readonly notifications_per_s: number;
  readonly high_p50_wait_ms: number;
  readonly high_p99_wait_ms: number;
  /** Low messages sent before the last high one, % of the backlog. */
  readonly low_sent_before_last_high_pct: number;
  readonly loadavg_1m: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(backlog: number, variant: 'weighted' | 'fifo'): Promise<RecallBenchResult> {
  const queues = new QueueStandIn();
  const sender = new RecordingSender({ latencyMs: SEND_LATENCY_MS });
  const deps: PollerDeps = { queues, sender, idempotency: new MemoryIdempotencyStore(), concurrency: CONCURRENCY };
  const enqueuedAt = new Map<string, number>();
  const put = (id: string, priority: 'high' | 'low') => {
    enqueuedAt.set(id, performance.now());
    queues.send(variant === 'fifo' ? 'low' : priority, sampleNotification(id, variant === 'fifo' ? 'low' : priority, 'email', enqueuedAt.size));
  };
  for (let i = 0; i < backlog; i++) put(`low-${i}`, 'low');
  for (let i = 0; i < HIGH; i++) put(`high-${i}`, 'high');

  const sentAt = new Map<string, number>();
  const order: string[] = [];
  const withTimes: PollerDeps = {
    ...deps,
    onOutcome: (e) => {
      if (e.outcome === 'sent' && e.notificationId) {
        sentAt.set(e.notificationId, performance.now());
        order.push(e.notificationId);
      }
    },
  };
  const start = performance.now();
  if (variant === 'weighted') {
    await runPoller(withTimes);
  } else {
    for (;;) {
      const got = await queues.receive('low', RECEIVE_BATCH);
      if (!got.length) break;
      await processInOrder(withTimes, got.map((message) => ({ priority: 'low' as const, message })));
    }
  }
  const elapsed = performance.now() - start;
  const total = backlog + HIGH;
  if (sentAt.size !== total) throw new Error(`${variant} ${backlog}: sent ${sentAt.size} of ${total}`);
  const waits = [...Array(HIGH).keys()].map((i) => sentAt.get(`high-${i}`)! - enqueuedAt.get(`high-${i}`)!).sort((a, b) => a - b);
  const lastHigh = Math.max(...[...Array(HIGH).keys()].map((i) => order.indexOf(`high-${i}`)));
  const lowBefore = order.slice(0, lastHigh).filter((id) => id.startsWith('low-')).length;
  return {
    backlog,
    variant,
    notifications: total,
    elapsed_ms: Math.round(elapsed),
    notifications_per_s: Math.round((total / elapsed) * 1000),
    high_p50_wait_ms: Math.round(percentile(waits, 50)),
    high_p99_wait_ms: Math.round(percentile(waits, 99)),
    low_sent_before_last_high_pct: Math.round((lowBefore / backlog) * 10_000) / 100,
    loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

function table(results: readonly RecallBenchResult[]): string {
  const head = ['backlog', 'variant', 'notifications/s', 'high p50 wait ms', 'high p99 wait ms', 'low before last high %', 'elapsed ms', 'load 1m'];
  const rows = results.map((r) => [r.backlog, r.variant, r.notifications_per_s, r.high_p50_wait_ms, r.high_p99_wait_ms, r.low_sent_before_last_high_pct, r.elapsed_ms, r.loadavg_1m].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min) before the run`);
  console.log(`mocked SES/SNS: ${SEND_LATENCY_MS} ms per send, ${CONCURRENCY} in flight; ${HIGH} high-priority messages arrive behind each backlog\n`);
  // Warm-up (not recorded): both code paths compiled before anything is measured.
  await run(200, 'weighted');
  await run(200, 'fifo');
  // REPEATS interleaved runs of each configuration (order alternating); the row is the run with the
  // median throughput, so one run slowed by the machine's other work does not decide.
  const runs = new Map<string, RecallBenchResult[]>();
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const backlog of BACKLOGS) {
      for (const variant of rep % 2 === 0 ? (['fifo', 'weighted'] as const) : (['weighted', 'fifo'] as const)) {
        const key = `${backlog}:${variant}`;
        runs.set(key, [...(runs.get(key) ?? []), await run(backlog, variant)]);
      }
    }
  }
  const results: RecallBenchResult[] = [...runs.values()].map((rs) => [...rs].sort((a, b) => a.notifications_per_s - b.notifications_per_s)[Math.floor(rs.length / 2)]);
  results.sort((a, b) => a.backlog - b.backlog || a.variant.localeCompare(b.variant));
  console.log(table(results));
  console.log('');
  for (const backlog of BACKLOGS) {
    const w = results.find((r) => r.backlog === backlog && r.variant === 'weighted')!;
    const f = results.find((r) => r.backlog === backlog && r.variant === 'fifo')!;
    const ratio = f.high_p99_wait_ms / Math.max(1, w.high_p99_wait_ms);
    const tput = (w.notifications_per_s / f.notifications_per_s - 1) * 100;
    console.log(`backlog ${backlog}: high p99 wait ${ratio.toFixed(1)}x lower than fifo (target >= 10x: ${ratio >= 10 ? 'met' : 'NOT met'}); throughput ${tput >= 0 ? '+' : ''}${tput.toFixed(1)} % vs fifo (target >= -10 %: ${tput >= -10 ? 'met' : 'NOT met'})`);
  }
  console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${RESULTS.slice(ROOT.length + 1)}`);
}

main().catch((err: unknown) => {
  console.error(`bench:recall failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
