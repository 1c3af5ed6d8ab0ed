/**
 * Notification Poller core: the priority property (weighted rounds), redelivery without a second
 * send, bad messages to the DLQ with their reason while the batch goes on, permanent and
 * transient send failures, SES/SNS requests through aws-sdk-client-mock (no local SES/SNS
 * exists), and the SQS-event mode's partial batch response. Queues: the in-memory stand-in with
 * SQS semantics (lambdas/recall/local/queue-stand-in.ts).
 */
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent } from 'aws-lambda';
import { QueueStandIn } from '../../../lambdas/recall/local/queue-stand-in';
import { RecordingSender } from '../../../lambdas/recall/local/mock-senders';
import { MemoryIdempotencyStore } from '../../../lambdas/recall/shared/idempotency';
import { processMessage, runPoller, retryDelaySeconds } from '../../../lambdas/recall/notification-poller/core';
import { DEFAULT_WEIGHTS, parseWeights, pollRound } from '../../../lambdas/recall/notification-poller/scheduler';
import { AwsNotificationSender } from '../../../lambdas/recall/notification-poller/senders';
import { createPollerHandler, priorityOfQueue } from '../../../lambdas/recall/notification-poller/handler';
import { parseNotification, type Priority } from '../../../lambdas/recall/shared/notification';
import { notificationBody, seeded } from './support';

function setup(options: { latencyMs?: number } = {}) {
  const queues = new QueueStandIn();
  const sender = new RecordingSender({ latencyMs: options.latencyMs });
  const idempotency = new MemoryIdempotencyStore();
  return { queues, sender, idempotency, deps: { queues, sender, idempotency } };
}

describe('priority scheme: weighted rounds, spare slots to the most urgent non-empty queue (8:3:1)', () => {
  test('10,000 low and 100 high waiting: every high is sent before 5 % of the low ones, and low still moves', async () => {
    const { queues, sender, deps } = setup();
    for (let i = 0; i < 10_000; i++) queues.send('low', notificationBody(`low-${i}`, 'low'));
    for (let i = 0; i < 100; i++) queues.send('high', notificationBody(`high-${i}`, 'high'));
    // The first round: low moves in the same round as the waiting high messages (no starvation).
    let rounds = 0;
    const first = await runPoller(deps, () => rounds++ < 1);
    expect(first.byPriority.low).toBeGreaterThan(0);
    expect(first.byPriority.high).toBeGreaterThan(0);
    const stats = await runPoller(deps);
    const order = sender.sent.map((s) => s.notification.notificationId);
    expect(order).toHaveLength(10_100);
    const lastHigh = Math.max(...order.map((id, i) => (id.startsWith('high-') ? i : -1)));
    const lowBeforeLastHigh = order.slice(0, lastHigh).filter((id) => id.startsWith('low-')).length;
    expect(lowBeforeLastHigh).toBeLessThan(0.05 * 10_000);
    // Everything was sent exactly once.
    expect(new Set(order).size).toBe(10_100);
    expect(first.byOutcome.sent + stats.byOutcome.sent).toBe(10_100);
    expect(queues.depth('low') + queues.depth('high')).toBe(0);
  });

  test('property: for random backlogs and arrival orders, every high is sent before 5 % of the low ones', async () => {
    const random = seeded(13);
    for (let run = 0; run < 4; run++) {
      const { queues, sender, deps } = setup();
      const low = 2000 + Math.floor(random() * 4000);
      const medium = Math.floor(random() * 500);
      const high = 1 + Math.floor(random() * Math.min(99, low / 20 / 4));
      // Interleave the sends randomly: arrival order must not matter.
      const pending: Priority[] = [...Array(low).fill('low'), ...Array(medium).fill('medium'), ...Array(high).fill('high')];
      for (let i = pending.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [pending[i], pending[j]] = [pending[j], pending[i]];
      }
      pending.forEach((p, i) => queues.send(p, notificationBody(`${p}-${i}`, p)));
      await runPoller(deps);
      const order = sender.sent.map((s) => s.notification.notificationId);
      const lastHigh = Math.max(...order.map((id, i) => (id.startsWith('high-') ? i : -1)));
      const lowBefore = order.slice(0, lastHigh).filter((id) => id.startsWith('low-')).length;
      expect({ run, low, high, lowBefore, ok: lowBefore < 0.05 * low }).toMatchObject({ ok: true });
      expect(order).toHaveLength(low + medium + high);
    }
  });

  test('no starvation: with high and medium never empty, low still gets its slot every round', async () => {
    const { queues, deps } = setup();
    for (let i = 0; i < 5000; i++) queues.send('high', notificationBody(`h-${i}`, 'high'));
    for (let i = 0; i < 5000; i++) queues.send('medium', notificationBody(`m-${i}`, 'medium'));
    for (let i = 0; i < 5000; i++) queues.send('low', notificationBody(`l-${i}`, 'low'));
    let rounds = 0;
    const stats = await runPoller(deps, () => rounds++ < 20);
    expect(stats.rounds).toBe(20);
    // 20 rounds x (8 + 3 + 1) receives of 10: exactly 1/12 of the capacity went to low.
    expect(stats.byPriority).toEqual({ high: 1600, medium: 600, low: 200 });
  });

  test('spare slots go to the most urgent queue that still has messages', async () => {
    const { queues } = setup();
    for (let i = 0; i < 500; i++) queues.send('low', notificationBody(`l-${i}`, 'low'));
    let round = await pollRound(queues, DEFAULT_WEIGHTS);
    // high: 1 empty receive leaves 7 spare, medium: 1 empty receive leaves 2, low: 1 + 9 spare = 10 receives.
    expect(round).toHaveLength(100);
    expect([queues.receiveCalls('high'), queues.receiveCalls('medium'), queues.receiveCalls('low')]).toEqual([1, 1, 10]);
    for (let i = 0; i < 500; i++) queues.send('high', notificationBody(`h-${i}`, 'high'));
    round = await pollRound(queues, DEFAULT_WEIGHTS);
    // high: 8 full receives, medium: 1 empty (2 spare), low: 1; the 2 spare go back to high; high is sent first.
    expect(round.map((m) => m.priority).join('')).toBe(`${'high'.repeat(100)}${'low'.repeat(10)}`);
  });

  test('weights from PRIORITY_WEIGHTS are validated with the value received', () => {
    expect(parseWeights('8:3:2')).toEqual({ high: 8, medium: 3, low: 2 });
    expect(parseWeights(undefined)).toEqual({ high: 8, medium: 3, low: 1 });
    expect(() => parseWeights('6:3')).toThrow('received "6:3"');
    expect(() => parseWeights('1:3:6')).toThrow('high >= medium >= low');
    expect(() => parseWeights('6:3:0')).toThrow('from 1 to 100');
  });
});

describe('idempotency and redelivery', () => {
  test('a message delivered again after its visibility timeout (delete lost) is not sent twice', async () => {
    const { queues, sender, idempotency, deps } = setup();
    queues.send('high', notificationBody('n-1', 'high'));
    queues.send('high', notificationBody('n-2', 'high'));
    const [first, second] = await queues.receive('high', 10);
    // Sent, but the poller "crashed" before deleting: SQS will redeliver both.
    expect((await processMessage(deps, 'high', first)).outcome).toBe('sent');
    expect((await processMessage(deps, 'high', second)).outcome).toBe('sent');
    queues.expireVisibility('high');
    const stats = await runPoller(deps);
    expect(stats.byOutcome).toMatchObject({ duplicate: 2, sent: 0 });
    expect(sender.sent.map((s) => s.notification.notificationId)).toEqual(['n-1', 'n-2']);
    expect(queues.depth('high')).toBe(0);
    expect(idempotency.records.get('n-1')?.status).toBe('COMPLETED');
  });

  test('the same notification id on two queues (a producer retry) is sent once', async () => {
    const { queues, sender, deps } = setup();
    queues.send('high', notificationBody('dup', 'high'));
    queues.send('low', notificationBody('dup'));
    const stats = await runPoller(deps);
    expect(sender.sent).toHaveLength(1);
    // Both arrive in the same round: the second finds the first's claim (in progress, left on its
    // queue) or its record (duplicate); either way nothing is sent twice.
    expect(stats.byOutcome.sent).toBe(1);
    expect(stats.byOutcome.duplicate + stats.byOutcome['in-progress']).toBe(1);
  });

  test('a claim held by another poller leaves the message on the queue; an expired claim is taken over', async () => {
    let now = 1_000_000;
    const idempotency = new MemoryIdempotencyStore({ leaseSeconds: 120, retentionSeconds: 3600, now: () => now });
    const queues = new QueueStandIn({ now: () => now });
    const sender = new RecordingSender();
    expect(await idempotency.claim('n-9')).toBe('claimed'); // another poller, which then dies
    queues.send('medium', notificationBody('n-9', 'medium'));
    const [m] = await queues.receive('medium', 1);
    expect((await processMessage({ queues, sender, idempotency }, 'medium', m)).outcome).toBe('in-progress');
    expect(sender.sent).toHaveLength(0);
    now += 400_000; // past the lease and the visibility timeout
    const stats = await runPoller({ queues, sender, idempotency });
    expect(stats.byOutcome.sent).toBe(1);
    expect(sender.sent).toHaveLength(1);
  });
});

describe('bad messages and failures', () => {
  test('an invalid message goes to the DLQ with its reason and the rest of the batch is sent', async () => {
    const { queues, sender, deps } = setup();
    queues.send('high', notificationBody('ok-1', 'high'));
    queues.send('high', '{"notificationId": "bad-1", "channel": "fax"}');
    queues.send('high', 'not json at all');
    queues.send('high', notificationBody('ok-2', 'low')); // says low, came from high
    queues.send('high', notificationBody('ok-3', 'high'));
    const stats = await runPoller(deps);
    expect(stats.byOutcome).toMatchObject({ sent: 2, 'dead-lettered': 3 });
    expect(sender.sent.map((s) => s.notification.notificationId)).toEqual(['ok-1', 'ok-3']);
    const reasons = queues.deadLetters('high').map((d) => d.attributes.failure_reason);
    expect(reasons[0]).toMatch(/^not a valid notification: channel: .*received "fax"/);
    expect(reasons[1]).toMatch(/^body is not JSON/);
    expect(reasons[2]).toBe('priority: the message says "low" but came from the high queue');
    expect(queues.depth('high')).toBe(0);
  });

  test('field errors name the field and the value received', () => {
    const r = parseNotification(JSON.stringify({ notificationId: 'x', recallId: 'R', channel: 'sms', recipient: { phoneNumber: '555-1234' }, subject: 's', message: 'm' }), 'low');
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('recipient.phoneNumber: an E.164 number such as +14155550100 (received "555-1234")') });
  });

  test('a send refused for good (SES MessageRejected) goes to the DLQ; a throttled one is retried later and then sent once', async () => {
    let now = 5_000_000;
    const queues = new QueueStandIn({ now: () => now });
    const idempotency = new MemoryIdempotencyStore({ leaseSeconds: 120, retentionSeconds: 3600, now: () => now });
    let throttled = 0;
    const sender = new RecordingSender({
      now: () => now,
      fail: (n) => {
        if (n.notificationId === 'rejected') return Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' });
        if (n.notificationId === 'throttled' && throttled++ === 0) return Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
        return undefined;
      },
    });
    const deps = { queues, sender, idempotency };
    queues.send('medium', notificationBody('rejected', 'medium'));
    queues.send('medium', notificationBody('throttled', 'medium'));
    let stats = await runPoller(deps);
    expect(stats.byOutcome).toMatchObject({ 'dead-lettered': 1, retry: 1 });
    expect(queues.deadLetters('medium')[0].attributes.failure_reason).toBe('refused by SES: MessageRejected: Email address is not verified');
    expect(idempotency.records.has('throttled')).toBe(false); // claim released
    now += retryDelaySeconds(1) * 1000 + 1;
    stats = await runPoller(deps);
    expect(stats.byOutcome.sent).toBe(1);
    expect(sender.sent.map((s) => s.notification.notificationId)).toEqual(['throttled']);
  });

  test('a message that keeps failing is moved to the DLQ by the redrive policy after maxReceiveCount', async () => {
    let now = 0;
    const queues = new QueueStandIn({ now: () => now, maxReceiveCount: 3 });
    const sender = new RecordingSender({ fail: () => Object.assign(new Error('boom'), { name: 'ServiceUnavailable' }) });
    const deps = { queues, sender, idempotency: new MemoryIdempotencyStore({ leaseSeconds: 1, retentionSeconds: 10, now: () => now }) };
    queues.send('low', notificationBody('always-fails', 'low'));
    for (let i = 0; i < 4; i++) {
      await runPoller(deps);
      now += 400_000;
    }
    expect(queues.depth('low')).toBe(0);
    expect(queues.deadLetters('low')[0].attributes.failure_reason).toMatch(/^redrive: received 3 times/);
  });
});

describe('SES and SNS requests (aws-sdk-client-mock; no local SES/SNS exists)', () => {
  const SMS_TOPIC = 'arn:aws:sns:us-east-1:111111111111:recall-dev-sms';
  const ses = mockClient(SESv2Client);
  const sns = mockClient(SNSClient);
  beforeEach(() => {
    ses.reset();
    sns.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  test('e-mail through SES SendEmail, SMS and push through SNS Publish', async () => {
    const sender = new AwsNotificationSender({ ses: new SESv2Client({ region: 'us-east-1' }), sns: new SNSClient({ region: 'us-east-1' }), senderEmail: 'recalls@dev.example.com', smsTopicArn: SMS_TOPIC });
    const queues = new QueueStandIn();
    queues.send('high', notificationBody('e-1', 'high', 'email'));
    queues.send('high', notificationBody('s-1', 'high', 'sms'));
    queues.send('high', notificationBody('p-1', 'high', 'push'));
    const idempotency = new MemoryIdempotencyStore();
    const stats = await runPoller({ queues, sender, idempotency });
    expect(stats.byOutcome.sent).toBe(3);
    const email = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(email).toMatchObject({
      FromEmailAddress: 'recalls@dev.example.com',
      Destination: { ToAddresses: ['store-e1@example.com'] },
      Content: { Simple: { Subject: { Data: 'Recall R-1 (e-1)' }, Body: { Text: { Data: 'Remove lot 42 from the shelves.' } } } },
    });
    const publishes = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(publishes).toEqual([
      expect.objectContaining({ TopicArn: SMS_TOPIC, MessageAttributes: { phone_number: { DataType: 'String', StringValue: '+14155550100' }, 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } } }),
      expect.objectContaining({ TargetArn: 'arn:aws:sns:us-east-1:111111111111:endpoint/APNS/recall/abc', Subject: 'Recall R-1 (p-1)' }),
    ]);
    expect(idempotency.records.get('e-1')?.result).toBe('ses-1');
  });

  test('SNS InvalidParameter is permanent: DLQ with the reason', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Invalid parameter: PhoneNumber'), { name: 'InvalidParameterException' }));
    const sender = new AwsNotificationSender({ ses: new SESv2Client({ region: 'us-east-1' }), sns: new SNSClient({ region: 'us-east-1' }), senderEmail: 'recalls@dev.example.com', smsTopicArn: SMS_TOPIC });
    const queues = new QueueStandIn();
    queues.send('low', notificationBody('s-2', 'low', 'sms'));
    await runPoller({ queues, sender, idempotency: new MemoryIdempotencyStore() });
    expect(queues.deadLetters('low')[0].attributes.failure_reason).toBe('refused by SNS: InvalidParameterException: Invalid parameter: PhoneNumber');
  });
});

describe('SQS event mode (event source mapping): partial batch response', () => {
  test('only the failed sends are reported; sent, duplicate and dead-lettered ones are not', async () => {
    const queues = new QueueStandIn();
    const idempotency = new MemoryIdempotencyStore();
    await idempotency.complete('already', 'x');
    const sender = new RecordingSender({ fail: (n) => (n.notificationId === 'flaky' ? Object.assign(new Error('slow down'), { name: 'Throttling' }) : undefined) });
    const handler = createPollerHandler(() => ({ queues, sender, idempotency }));
    const record = (id: string, body: string) => ({ messageId: id, receiptHandle: `rh-${id}`, body, attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0' }, eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:recall-dev-notifications-high' });
    const event = { Records: [record('a', notificationBody('ok', 'high')), record('b', notificationBody('flaky', 'high')), record('c', notificationBody('already', 'high')), record('d', '{}')] } as unknown as SQSEvent;
    const out = await handler(event);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(sender.sent.map((s) => s.notification.notificationId)).toEqual(['ok']);
    expect(queues.deadLetters('high')).toHaveLength(1);
  });

  test('the priority comes from the queue name', () => {
    expect(priorityOfQueue('arn:aws:sqs:us-east-1:1:recall-prod-notifications-medium')).toBe('medium');
    expect(() => priorityOfQueue('arn:aws:sqs:us-east-1:1:other')).toThrow('"arn:aws:sqs:us-east-1:1:other"');
  });
});
