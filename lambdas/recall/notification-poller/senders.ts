/**
 * Delivery of one notification: e-mail through SES (v2 SendEmail); SMS through the system's SMS
 * topic (SNS Publish with the message attribute `phone_number`: each registered phone is an SMS
 * subscription of that topic filtered on its number, so the poller's role publishes to one topic
 * instead of sns:Publish on "*", which direct-to-number SMS would need); mobile push through SNS
 * Publish to the platform endpoint. Returns the provider's message id.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../shared/notification';

export interface NotificationSender {
  send(notification: Notification): Promise<string>;
}

export interface AwsSenderOptions {
  readonly ses: SESv2Client;
  readonly sns: SNSClient;
  /** Verified SES identity, e.g. "recalls@dev.example.com". */
  readonly senderEmail: string;
  /** @default none */
  readonly configurationSet?: string;
  /** ARN of the SMS topic (subscriptions filtered on `phone_number`). */
  readonly smsTopicArn: string;
}

/** Message attribute the SMS topic's subscriptions filter on. */
export const SMS_PHONE_ATTRIBUTE = 'phone_number';

export class AwsNotificationSender implements NotificationSender {
  constructor(private readonly o: AwsSenderOptions) {}

  async send(n: Notification): Promise<string> {
    switch (n.channel) {
      case 'email': {
        const out = await this.o.ses.send(
          new SendEmailCommand({
            FromEmailAddress: this.o.senderEmail,
            Destination: { ToAddresses: [n.recipient.email] },
            Content: { Simple: { Subject: { Data: n.subject, Charset: 'UTF-8' }, Body: { Text: { Data: n.message, Charset: 'UTF-8' } } } },
            ConfigurationSetName: this.o.configurationSet,
            EmailTags: [
              { Name: 'recall_id', Value: tagValue(n.recallId) },
              { Name: 'notification_id', Value: tagValue(n.notificationId) },
            ],
          }),
        );
        return out.MessageId ?? '';
      }
      case 'sms': {
        const out = await this.o.sns.send(
          new PublishCommand({
            TopicArn: this.o.smsTopicArn,
            Message: n.message,
            MessageAttributes: {
              [SMS_PHONE_ATTRIBUTE]: { DataType: 'String', StringValue: n.recipient.phoneNumber },
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            },
          }),
        );
        return out.MessageId ?? '';
      }
      case 'push': {
        const out = await this.o.sns.send(new PublishCommand({ TargetArn: n.recipient.endpointArn, Subject: n.subject, Message: n.message }));
        return out.MessageId ?? '';
      }
    }
  }
}

/** SES tag values: [A-Za-z0-9_-] only. */
function tagValue(v: string): string {
  return v.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}

/** Errors a retry cannot fix: the notification goes to the dead-letter queue with the reason. */
const PERMANENT = new Set([
  'MessageRejected',
  'BadRequestException',
  'NotFoundException',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'InvalidParameterException',
  'InvalidParameter',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'EndpointDisabled',
  'EndpointDisabledException',
  'OptedOut',
]);

export function isPermanentSendError(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return PERMANENT.has(name) || PERMANENT.has(name.replace(/Exception$/, ''));
}
