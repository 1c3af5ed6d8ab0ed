/**
 * A local STAND-IN for SQS (there is no local SQS server here): an in-process queue with SQS's semantics for what the
 * Delivery Service relies on: per-message delay, visibility timeout after a receive, receive count, redrive to a
 * dead-letter queue once the receive count exceeds maxReceiveCount, delete by receipt handle (a stale handle is
 * refused), and a DLQ redrive (StartMessageMoveTask). Not emulated: long polling, batch limits, message size limits,
 * retention. Delays may be fractional seconds (fast tests); SQS takes whole seconds up to 900.
 */
import { randomUUID } from 'node:crypto';

export interface LocalMessage {
  readonly messageId: string;
  readonly body: string;
  receiptHandle?: string;
  receiveCount: number;
  visibleAtMs: number;
  readonly sentAtMs: number;
}

export interface LocalQueueOptions {
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  /** With a dead-letter queue: receives after which a message moves there. */
  readonly maxReceiveCount?: number;
  readonly deadLetterQueue?: LocalQueue;
  readonly now?: () => number;
}

export class LocalQueue {
  private readonly messages: LocalMessage[] = [];
  readonly name: string;
  private readonly now: () => number;

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.now = options.now ?? Date.now;
  }

  send(body: string, delaySeconds = 0): string {
    if (!(delaySeconds >= 0)) throw new Error(`${this.name}: DelaySeconds received ${delaySeconds}; expected >= 0`);
    const m: LocalMessage = { messageId: randomUUID(), body, receiveCount: 0, visibleAtMs: this.now() + delaySeconds * 1000, sentAtMs: this.now() };
    this.messages.push(m);
    return m.messageId;
  }

  /** Up to `max` visible messages; each becomes invisible for the visibility timeout and counts one receive. */
  receive(max = 10, visibilityTimeoutSeconds = this.options.visibilityTimeoutSeconds): LocalMessage[] {
    const now = this.now();
    const out: LocalMessage[] = [];
    for (const m of [...this.messages]) {
      if (out.length >= max) break;
      if (m.visibleAtMs > now) continue;
      if (this.options.deadLetterQueue && this.options.maxReceiveCount !== undefined && m.receiveCount >= this.options.maxReceiveCount) {
        // SQS moves the message when a receive would exceed maxReceiveCount.
        this.remove(m);
        this.options.deadLetterQueue.send(m.body);
        continue;
      }
      m.receiveCount += 1;
      m.receiptHandle = randomUUID();
      m.visibleAtMs = now + visibilityTimeoutSeconds * 1000;
      out.push(m);
    }
    return out;
  }

  delete(receiptHandle: string): void {
    const m = this.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m) throw new Error(`${this.name}: receipt handle ${receiptHandle} is not valid (message deleted or received again)`);
    this.remove(m);
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    const m = this.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m) throw new Error(`${this.name}: receipt handle ${receiptHandle} is not valid`);
    m.visibleAtMs = this.now() + seconds * 1000;
  }

  /** Moves every message of this (dead-letter) queue to `target` (SQS StartMessageMoveTask). */
  moveAllTo(target: LocalQueue): number {
    const all = this.messages.splice(0, this.messages.length);
    for (const m of all) target.send(m.body);
    return all.length;
  }

  /** Messages held (visible or not). */
  get size(): number {
    return this.messages.length;
  }

  peek(): readonly LocalMessage[] {
    return [...this.messages];
  }

  private remove(m: LocalMessage): void {
    const i = this.messages.indexOf(m);
    if (i >= 0) this.messages.splice(i, 1);
  }
}
