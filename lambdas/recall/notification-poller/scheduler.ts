/**
 * The priority scheme of the Notification Poller: weighted rounds with downward spill-over.
 *
 * Each round has a fixed number of receive slots per queue (default high 6, medium 3, low 1;
 * one slot = one ReceiveMessage of up to 10 messages). Queues are read in priority order, and
 * the messages of a round are sent in that order (high first). A queue that comes back empty
 * passes its unused slots down to the next priority. So:
 * - high gets at least 6/10 of every round and is always sent first: a high message waits at most
 *   the rest of the current round plus its queue position / 60 rounds;
 * - low gets at least 1 slot of every round even while high and medium are full: no starvation
 *   (at least 10 % of the receive capacity, more whenever the queues above are short).
 */
import { PRIORITIES, type Priority } from '../shared/notification';
import type { PriorityQueueClient, ReceivedMessage } from '../shared/queues';

export type Weights = Readonly<Record<Priority, number>>;

export const DEFAULT_WEIGHTS: Weights = { high: 6, medium: 3, low: 1 };

/** Messages per ReceiveMessage (the SQS maximum). */
export const RECEIVE_BATCH = 10;

export interface PolledMessage {
  readonly priority: Priority;
  readonly message: ReceivedMessage;
}

/** "6:3:1" -> weights; throws naming the value on anything else. */
export function parseWeights(text: string | undefined): Weights {
  if (text === undefined || text === '') return DEFAULT_WEIGHTS;
  const parts = text.split(':').map((s) => Number(s));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1 || n > 100)) {
    throw new Error(`PRIORITY_WEIGHTS: expected "high:medium:low" whole numbers from 1 to 100 (e.g. "6:3:1"); received ${JSON.stringify(text)}`);
  }
  if (!(parts[0] >= parts[1] && parts[1] >= parts[2])) {
    throw new Error(`PRIORITY_WEIGHTS: expected high >= medium >= low; received ${JSON.stringify(text)}`);
  }
  return { high: parts[0], medium: parts[1], low: parts[2] };
}

/** One round: the messages received, in the order they are to be sent (high first). */
export async function pollRound(queues: PriorityQueueClient, weights: Weights = DEFAULT_WEIGHTS): Promise<PolledMessage[]> {
  const out: PolledMessage[] = [];
  let spill = 0;
  for (const priority of PRIORITIES) {
    let slots = weights[priority] + spill;
    spill = 0;
    while (slots > 0) {
      slots--;
      const got = await queues.receive(priority, RECEIVE_BATCH);
      for (const message of got) out.push({ priority, message });
      if (got.length === 0) {
        // Drained: the rest of this queue's slots go to the next priority.
        spill = slots;
        slots = 0;
      }
    }
  }
  return out;
}
