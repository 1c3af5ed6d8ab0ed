/** Sample data of the local mode, the Teams check and the benchmark. */
import type { RecallEvent } from '../shared/events';
import type { Priority } from '../shared/notification';

export const SAMPLE_EVENT: RecallEvent = {
  eventId: 'evt-sample-0001',
  type: 'recall.started',
  recallId: 'R-2026-042',
  title: 'Peanut traces in lot 42 of Crunchy Granola bars',
  product: 'Crunchy Granola 250 g (lot 42, best before 2027-03)',
  severity: 'critical',
  summary: 'Remove every unit of lot 42 from the shelves and the stock room, then confirm on the store portal.',
  url: 'https://recall.dev.classifyhub.example.com/recalls/R-2026-042',
  occurredAt: '2026-12-04T14:00:00Z',
  stores: ['Store 0001 Springfield', 'Store 0002 Shelbyville', 'Store 0003 Capital City'],
};

/** A notification body for the queues. */
export function sampleNotification(id: string, priority: Priority, channel: 'email' | 'sms' | 'push' = 'email', store = 1): string {
  const recipient =
    channel === 'email' ? { email: `store-${String(store).padStart(4, '0')}@stores.example.com` } : channel === 'sms' ? { phoneNumber: `+1415555${String(store % 10_000).padStart(4, '0')}` } : { endpointArn: `arn:aws:sns:us-east-1:111111111111:endpoint/APNS/recall-app/${store}` };
  return JSON.stringify({
    notificationId: id,
    recallId: 'R-2026-042',
    priority,
    channel,
    recipient,
    subject: `[${priority.toUpperCase()}] Recall R-2026-042: Crunchy Granola lot 42`,
    message: 'Remove lot 42 from the shelves and confirm on the store portal.',
  });
}
