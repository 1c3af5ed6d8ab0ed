/**
 * The Notification Poller's core (pure: queues, sender, idempotency store and clock are passed
 * in). `runPoller` drains the priority queues round by round (scheduler.ts) until they are empty
 * or the time budget ends; `processMessage` handles one message:
 * - not a valid notification: to the priority's DLQ with the reason (the batch goes on);
 * - already sent (idempotency record COMPLETED): deleted, nothing sent;
 * - another poller holds it (IN_PROGRESS): left for later;
 * - sent: recorded COMPLETED, deleted;
 * - the sender refuses it for good (SES MessageRejected, SNS InvalidParameter...): DLQ with the reason;
 * - any other failure: the claim is released and the message retried after a back-off; after
 *   maxReceiveCount deliveries SQS's redrive moves it to the DLQ.
 */
import type { Priority } from '../shared/notification';
import { parseNotification } from '../shared/notification';
import type { IdempotencyStore } from '../shared/idempotency';
import type { PriorityQueueClient, ReceivedMessage } from '../shared/queues';
import { isPermanentSendError, type NotificationSender } from './senders';
import { DEFAULT_WEIGHTS, pollRound, type Weights } from './scheduler';

export type Outcome = 'sent' | 'duplicate' | 'in-progress' | 'dead-lettered' | 'retry';

export interface PollerDeps {
  readonly queues: PriorityQueueClient;
  readonly sender: NotificationSender;
  readonly idempotency: IdempotencyStore;
  /** @default DEFAULT_WEIGHTS (8:3:1) */
  readonly weights?: Weights;
  /** Sends in flight at once within a round. @default 10 */
  readonly concurrency?: number;
  /** Called after each message (logging, metrics, benchmark timings). */
  readonly onOutcome?: (event: OutcomeEvent) => void;
}

export interface OutcomeEvent {
  readonly priority: Priority;
  readonly message: ReceivedMessage;
  readonly outcome: Outcome;
  readonly notificationId?: string;
  readonly reason?: string;
}

export interface PollerStats {
  rounds: number;
  received: number;
  byOutcome: Record<Outcome, number>;
  byPriority: Record<Priority, number>;
}

/** Back-off before a failed send is retried, seconds (grows with the receive count, capped at 5 minutes). */
export function retryDelaySeconds(receiveCount: number): number {
  return Math.min(300, 10 * 2 ** Math.max(0, receiveCount - 1));
}

export interface Processed {
  readonly outcome: Outcome;
  /** True when the message should be deleted from its queue by the caller. */
  readonly delete: boolean;
  readonly notificationId?: string;
  readonly reason?: string;
}

/** One message; never throws for a bad message or a failed send (those are outcomes). */
export async function processMessage(deps: Pick<PollerDeps, 'queues' | 'sender' | 'idempotency'>, priority: Priority, message: ReceivedMessage): Promise<Processed> {
  const parsed = parseNotification(message.body, priority);
  if (!parsed.ok) {
    await deps.queues.deadLetter(priority, message, parsed.reason);
    return { outcome: 'dead-lettered', delete: false, reason: parsed.reason };
  }
  const n = parsed.notification;
  const claim = await deps.idempotency.claim(n.notificationId);
  if (claim === 'completed') return { outcome: 'duplicate', delete: true, notificationId: n.notificationId };
  if (claim === 'in-progress') return { outcome: 'in-progress', delete: false, notificationId: n.notificationId };
  let providerId: string;
  try {
    providerId = await deps.sender.send(n);
  } catch (err) {
    await deps.idempotency.release(n.notificationId);
    const reason = `${(err as Error).name ?? 'Error'}: ${(err as Error).message}`;
    if (isPermanentSendError(err)) {
      await deps.queues.deadLetter(priority, message, `refused by ${n.channel === 'email' ? 'SES' : 'SNS'}: ${reason}`);
      return { outcome: 'dead-lettered', delete: false, notificationId: n.notificationId, reason };
    }
    await deps.queues.retryLater(priority, message, retryDelaySeconds(message.receiveCount));
    return { outcome: 'retry', delete: false, notificationId: n.notificationId, reason };
  }
  await deps.idempotency.complete(n.notificationId, providerId || 'sent');
  return { outcome: 'sent', delete: true, notificationId: n.notificationId };
}

function emptyStats(): PollerStats {
  return {
    rounds: 0,
    received: 0,
    byOutcome: { sent: 0, duplicate: 0, 'in-progress': 0, 'dead-lettered': 0, retry: 0 },
    byPriority: { high: 0, medium: 0, low: 0 },
  };
}

/**
 * Processes a list of messages in order with at most `concurrency` in flight (a message starts
 * only after every message before it has started), deletes the finished ones per priority.
 */
export async function processInOrder(deps: PollerDeps, items: readonly { priority: Priority; message: ReceivedMessage }[], stats: PollerStats = emptyStats()): Promise<Map<ReceivedMessage, Processed>> {
  const results = new Map<ReceivedMessage, Processed>();
  const limit = Math.max(1, deps.concurrency ?? 10);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      let r: Processed;
      try {
        r = await processMessage(deps, item.priority, item.message);
      } catch (err) {
        // The queue or the idempotency store failed: leave the message; it comes back after its visibility timeout.
        r = { outcome: 'retry', delete: false, reason: `infrastructure error: ${(err as Error).message}` };
      }
      results.set(item.message, r);
      stats.byOutcome[r.outcome]++;
      stats.byPriority[item.priority]++;
      deps.onOutcome?.({ priority: item.priority, message: item.message, outcome: r.outcome, notificationId: r.notificationId, reason: r.reason });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  const byQueue = new Map<Priority, ReceivedMessage[]>();
  for (const item of items) {
    if (results.get(item.message)?.delete) byQueue.set(item.priority, [...(byQueue.get(item.priority) ?? []), item.message]);
  }
  for (const [priority, messages] of byQueue) await deps.queues.delete(priority, messages);
  return results;
}

/**
 * Drains the queues in weighted rounds until a round receives nothing or `shouldContinue`
 * (time budget) says stop.
 */
export async function runPoller(deps: PollerDeps, shouldContinue: () => boolean = () => true): Promise<PollerStats> {
  const stats = emptyStats();
  const weights = deps.weights ?? DEFAULT_WEIGHTS;
  while (shouldContinue()) {
    const round = await pollRound(deps.queues, weights);
    if (round.length === 0) break;
    stats.rounds++;
    stats.received += round.length;
    await processInOrder(deps, round, stats);
  }
  return stats;
}
