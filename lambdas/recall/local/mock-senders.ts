/**
 * Local stand-ins for SES and SNS (nothing local exists for either): they record each send and,
 * in the local mode, print what would be sent. An optional latency models the API round trip.
 */
import type { Notification } from '../shared/notification';
import type { NotificationSender } from '../notification-poller/senders';

export interface SentRecord {
  readonly service: 'SES' | 'SNS';
  readonly notification: Notification;
  readonly atMs: number;
  readonly providerMessageId: string;
}

export class RecordingSender implements NotificationSender {
  readonly sent: SentRecord[] = [];
  private n = 0;

  constructor(private readonly options: { latencyMs?: number; print?: (line: string) => void; now?: () => number; fail?: (n: Notification) => Error | undefined } = {}) {}

  async send(notification: Notification): Promise<string> {
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    const failure = this.options.fail?.(notification);
    if (failure) throw failure;
    const service = notification.channel === 'email' ? 'SES' : 'SNS';
    const providerMessageId = `${service.toLowerCase()}-local-${++this.n}`;
    this.sent.push({ service, notification, atMs: (this.options.now ?? Date.now)(), providerMessageId });
    if (this.options.print) {
      const to = 'email' in notification.recipient ? notification.recipient.email : 'phoneNumber' in notification.recipient ? notification.recipient.phoneNumber : notification.recipient.endpointArn;
      const what = notification.channel === 'email' ? 'SES SendEmail' : notification.channel === 'sms' ? 'SNS Publish (SMS)' : 'SNS Publish (push)';
      this.options.print(`${what} -> ${to}: "${notification.subject}" [${notification.notificationId}]`);
    }
    return providerMessageId;
  }
}
