/**
 * The priority scheme of the Notification Poller: weighted rounds, spare slots to the most urgent
 * queue that still has messages.
 *
 * Each round has a fixed number of receive slots per queue (default high 8, medium 3, low 1;
 * one slot = one ReceiveMessage of up to 10 messages). Pass 1 reads the queues in priority order,
 * each up to its slots; a queue that comes back empty stops and leaves its remaining slots spare.
 * Pass 2 gives the spare slots to the queues that did not run dry, most urgent first. The round's
 * messages are then sent high first. So:
 * - high gets at least 8/12 of every round (all 12 when the others are quiet) and is sent first;
 * - low gets at least 1 slot of every round even while high and medium are full: no starvation
 *   (at least 1/12 of the receive capacity, all of it when the queues above are empty).
 */
import { PRIORITIES, type Priority } from '../shared/notification';
import type { PriorityQueueClient, ReceivedMessage } from '../shared/queues';

export type Weights = Readonly<Record<Priority, number>>;

export const DEFAULT_WEIGHTS: Weights = { high: 8, medium: 3, low: 1 };

/** Messages per ReceiveMessage (the SQS maximum). */
export const RECEIVE_BATCH = 10;

export interface PolledMessage {
  readonly priority: Priority;
  readonly message: ReceivedMessage;
}

/** "8:3:1" -> weights; throws naming the value on anything else. */
export function parseWeights(text: string | undefined): Weights {
  if (text === undefined || text === '') return DEFAULT_WEIGHTS;
  const parts = text.split(':').map((s) => Number(s));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1 || n > 100)) {
    throw new Error(`PRIORITY_WEIGHTS: expected "high:medium:low" whole numbers from 1 to 100 (e.g. "8:3:1"); received ${JSON.stringify(text)}`);
  }
  if (!(parts[0] >= parts[1] && parts[1] >= parts[2])) {
    throw new Error(`PRIORITY_WEIGHTS: expected high >= medium >= low; received ${JSON.stringify(text)}`);
  }
  return { high: parts[0], medium: parts[1], low: parts[2] };
}

/** One round: the messages received, in the order they are to be sent (high first). */
export async function pollRound(queues: PriorityQueueClient, weights: Weights = DEFAULT_WEIGHTS): Promise<PolledMessage[]> {
  const got: Record<Priority, PolledMessage[]> = { high: [], medium: [], low: [] };
  const dry = new Set<Priority>();
  let spare = 0;
  const receiveInto = async (priority: Priority): Promise<boolean> => {
    const batch = await queues.receive(priority, RECEIVE_BATCH);
    for (const message of batch) got[priority].push({ priority, message });
    if (batch.length === 0) dry.add(priority);
    return batch.length > 0;
  };
  // Pass 1: each queue up to its own slots, in priority order.
  for (const priority of PRIORITIES) {
    let slots = weights[priority];
    while (slots > 0) {
      slots--;
      if (!(await receiveInto(priority))) break;
    }
    spare += slots;
  }
  // Pass 2: spare slots to the most urgent queue that still has messages.
  for (const priority of PRIORITIES) {
    while (spare > 0 && !dry.has(priority)) {
      spare--;
      await receiveInto(priority);
    }
  }
  return [...got.high, ...got.medium, ...got.low];
}
