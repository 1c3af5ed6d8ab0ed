/**
 * A stand-in for the three SQS queues (nothing local exists for SQS): in memory, with the SQS
 * semantics the poller relies on: a received message is invisible for the visibility timeout and
 * comes back if not deleted (ApproximateReceiveCount grows), receipt handles change on every
 * receive, a message received `maxReceiveCount` times is moved to the dead-letter queue on the
 * next receive (redrive), at most 10 messages per receive, and DLQ messages carry attributes.
 * The clock is injectable so tests can move time.
 */
import { randomUUID } from 'node:crypto';
import { PRIORITIES, type Priority } from '../shared/notification';
import { FAILURE_REASON_ATTRIBUTE, type PriorityQueueClient, type ReceivedMessage } from '../shared/queues';

interface Stored {
  readonly messageId: string;
  readonly body: string;
  readonly sentAtMs: number;
  receiveCount: number;
  visibleAtMs: number;
  receiptHandle?: string;
}

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface StandInOptions {
  /** @default 360 (6 x a 60 s function timeout) */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

class StandInQueue {
  readonly messages = new Map<string, Stored>();
  readonly deadLetters: DeadLetter[] = [];
  receives = 0;
}

export class QueueStandIn implements PriorityQueueClient {
  private readonly queues: Record<Priority, StandInQueue> = { high: new StandInQueue(), medium: new StandInQueue(), low: new StandInQueue() };
  private readonly now: () => number;
  private readonly visibilityMs: number;
  private readonly maxReceiveCount: number;

  constructor(options: StandInOptions = {}) {
    this.now = options.now ?? Date.now;
    this.visibilityMs = (options.visibilityTimeoutSeconds ?? 360) * 1000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
  }

  /** SendMessage. */
  send(priority: Priority, body: string): string {
    const messageId = randomUUID();
    this.queues[priority].messages.set(messageId, { messageId, body, sentAtMs: this.now(), receiveCount: 0, visibleAtMs: 0 });
    return messageId;
  }

  async receive(priority: Priority, max: number): Promise<ReceivedMessage[]> {
    if (!Number.isInteger(max) || max < 1 || max > 10) throw new Error(`ReceiveMessage: MaxNumberOfMessages must be 1-10; received ${max}`);
    const q = this.queues[priority];
    q.receives++;
    const now = this.now();
    const out: ReceivedMessage[] = [];
    for (const m of q.messages.values()) {
      if (out.length >= max) break;
      if (m.visibleAtMs > now) continue;
      if (m.receiveCount >= this.maxReceiveCount) {
        // Redrive policy: moved to the DLQ instead of being delivered again.
        q.messages.delete(m.messageId);
        q.deadLetters.push({ messageId: m.messageId, body: m.body, attributes: { [FAILURE_REASON_ATTRIBUTE]: `redrive: received ${m.receiveCount} times (maxReceiveCount ${this.maxReceiveCount})` } });
        continue;
      }
      m.receiveCount++;
      m.visibleAtMs = now + this.visibilityMs;
      m.receiptHandle = `${m.messageId}#${m.receiveCount}#${randomUUID()}`;
      out.push({ messageId: m.messageId, body: m.body, receiptHandle: m.receiptHandle, receiveCount: m.receiveCount, sentAtMs: m.sentAtMs });
    }
    return out;
  }

  async delete(priority: Priority, messages: readonly ReceivedMessage[]): Promise<void> {
    const q = this.queues[priority];
    for (const r of messages) {
      const m = q.messages.get(r.messageId);
      // A stale receipt handle (the message was received again since) does not delete, as in SQS.
      if (m && m.receiptHandle === r.receiptHandle) q.messages.delete(r.messageId);
    }
  }

  async deadLetter(priority: Priority, message: ReceivedMessage, reason: string): Promise<void> {
    this.queues[priority].deadLetters.push({ messageId: message.messageId, body: message.body, attributes: { [FAILURE_REASON_ATTRIBUTE]: reason, source_queue: priority } });
    await this.delete(priority, [message]);
  }

  async retryLater(priority: Priority, message: ReceivedMessage, delaySeconds: number): Promise<void> {
    const m = this.queues[priority].messages.get(message.messageId);
    if (m && m.receiptHandle === message.receiptHandle) m.visibleAtMs = this.now() + delaySeconds * 1000;
  }

  /** Makes every in-flight message of a queue visible now (as if its visibility timeout ended). */
  expireVisibility(priority?: Priority): void {
    for (const p of priority ? [priority] : PRIORITIES) for (const m of this.queues[p].messages.values()) m.visibleAtMs = 0;
  }

  /** ApproximateNumberOfMessages (visible + in flight). */
  depth(priority: Priority): number {
    return this.queues[priority].messages.size;
  }

  deadLetters(priority: Priority): readonly DeadLetter[] {
    return this.queues[priority].deadLetters;
  }

  receiveCalls(priority: Priority): number {
    return this.queues[priority].receives;
  }
}
