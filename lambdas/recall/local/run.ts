/**
 * Local mode of the recall system (`npm run local:recall`): the real poller handler and the real
 * Teams and webhook adapter handlers, against local stand-ins:
 * - the three priority queues and their DLQs: QueueStandIn (in memory, SQS semantics);
 * - SES and SNS: RecordingSender, printing what would be sent (nothing local exists for either);
 * - Teams: a loopback HTTP receiver that validates each card with the adaptivecards parser;
 * - the outbound webhook: a loopback receiver that verifies the Standard Webhooks signature.
 * Options: --low N --medium N --high N (backlog sizes), --quiet (no per-send lines).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { createPollerHandler } from '../notification-poller/handler';
import type { PollerStats } from '../notification-poller/core';
import { createTeamsHandler } from '../teams-adapter/handler';
import { createWebhookHandler } from '../webhook-adapter/handler';
import { MemoryIdempotencyStore } from '../shared/idempotency';
import { PRIORITIES } from '../shared/notification';
import { QueueStandIn } from './queue-stand-in';
import { RecordingSender } from './mock-senders';
import { validateAdaptiveCard } from './card-check';
import { SAMPLE_EVENT, sampleNotification } from './sample';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`--${name}: expected a whole number from 0 to 1000000; received ${JSON.stringify(process.argv[i + 1])}`);
  return n;
}

async function listen(handler: (body: string, headers: Record<string, string | string[] | undefined>) => { status: number; note: string }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { status, note } = handler(Buffer.concat(chunks).toString('utf8'), req.headers);
      console.log(`  receiver ${req.url}: ${status} ${note}`);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function main(): Promise<void> {
  const counts = { low: arg('low', 200), medium: arg('medium', 20), high: arg('high', 5) };
  const quiet = process.argv.includes('--quiet');
  const queues = new QueueStandIn();
  let printed = 0;
  const sender = new RecordingSender({
    print: quiet ? undefined : (line) => {
      if (++printed <= 12) console.log(`  ${line}`);
      else if (printed === 13) console.log('  ... (first 12 sends shown)');
    },
  });
  const idempotency = new MemoryIdempotencyStore();

  console.log(`recall local mode: enqueue ${counts.low} low, ${counts.medium} medium, ${counts.high} high (low first), 1 invalid, 1 duplicate`);
  let n = 0;
  for (const p of ['low', 'medium', 'high'] as const) {
    for (let i = 0; i < counts[p]; i++) queues.send(p, sampleNotification(`local-${p}-${i}`, p, (['email', 'sms', 'push'] as const)[i % 3], ++n));
  }
  queues.send('high', '{"notificationId":"broken-1","channel":"fax"}');
  if (counts.high > 0) queues.send('high', sampleNotification('local-high-0', 'high', 'email', 1));

  console.log('\nnotification-poller (real handler; SES/SNS mocked, printing):');
  const poller = createPollerHandler(() => ({ queues, sender, idempotency }));
  const stats = (await poller({ source: 'local' })) as PollerStats;
  const firstLow = sender.sent.findIndex((s) => s.notification.priority === 'low');
  const lastHigh = sender.sent.map((s) => s.notification.priority).lastIndexOf('high');
  console.log(`\n  rounds ${stats.rounds}, received ${stats.received}; outcomes ${JSON.stringify(stats.byOutcome)}`);
  console.log(`  last high sent at position ${lastHigh + 1} of ${sender.sent.length}; first low at position ${firstLow + 1}`);
  for (const p of PRIORITIES) for (const d of queues.deadLetters(p)) console.log(`  DLQ ${p}: ${d.attributes.failure_reason}`);

  console.log('\nredelivery: every in-flight message becomes visible again (as after a lost delete); the poller runs again:');
  queues.expireVisibility();
  const again = (await poller({ source: 'local' })) as PollerStats;
  console.log(`  outcomes ${JSON.stringify(again.byOutcome)}; sends in all: ${sender.sent.length} (nothing sent twice: ${new Set(sender.sent.map((x) => x.notification.notificationId)).size === sender.sent.length})`);

  console.log('\nteams-adapter and webhook-adapter (real handlers, loopback receivers):');
  const teams = await listen((body) => {
    const card = (JSON.parse(body) as { attachments?: { content?: unknown }[] }).attachments?.[0]?.content;
    const problems = validateAdaptiveCard(card);
    return problems.length ? { status: 400, note: `card rejected: ${problems.join('; ')}` } : { status: 200, note: `Adaptive Card accepted (${Buffer.byteLength(body)} bytes)` };
  });
  const secret = `whsec_${Buffer.from('local-mode-signing-secret-32byte').toString('base64')}`;
  const hook = await listen((body, headers) => {
    try {
      new Webhook(secret).verify(body, headers as Record<string, string>);
      return { status: 200, note: 'signature verified' };
    } catch (err) {
      return { status: 401, note: `bad signature: ${(err as Error).message}` };
    }
  });
  const deadLetters = { put: async (_body: string, reason: string) => console.log(`  adapter DLQ: ${reason}`) };
  const event = { Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(SAMPLE_EVENT), MessageId: 'local-1' } }, { EventSource: 'aws:sns', Sns: { Message: '{"eventId":"bad"}', MessageId: 'local-2' } }] } as unknown as SNSEvent;
  const post = { allowLoopbackHttp: true };
  console.log('  teams-adapter ->', JSON.stringify(await createTeamsHandler(async () => ({ url: `${teams.url}/workflows/recall`, deadLetters, post }))(event)));
  console.log('  webhook-adapter ->', JSON.stringify(await createWebhookHandler(async () => ({ target: { url: `${hook.url}/hooks/recall`, signingSecret: secret }, deadLetters, post }))(event)));
  for (const r of [teams, hook]) {
    r.server.closeAllConnections();
    r.server.close();
  }
}

main().catch((err: unknown) => {
  console.error(`local:recall failed: ${(err as Error).message}`);
  process.exit(1);
});
