/** AlarmTopic: the on-call topic, a `Topic` (modules/topic) that CloudWatch alarms of one account may publish to. */
import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { validateProps, withDefaults } from '../core/props';
import { EMAIL_PATTERN, Topic, emailKey } from '../topic';
import { ALARM_TOPIC_DEFAULTS } from './defaults';
import { SNAKE, unique } from './util';

export { emailKey } from '../topic';

/** An HTTPS endpoint subscribed to the on-call topic (PagerDuty, Opsgenie...). */
export interface HttpsSubscription {
  /** snake_case name; becomes the Terraform address `<id>_https_subscription_<name>`. */
  readonly name: string;
  /** https:// URL. It contains the integration key, so it is in Terraform state. */
  readonly url: string;
}

export interface AlarmTopicProps {
  /** Prefix of the topic name (`<namePrefix>-oncall`), the key alias and, by default, alarm names. */
  readonly namePrefix: string;
  /** 12-digit AWS account id: only CloudWatch alarms of this account may publish (aws:SourceAccount). */
  readonly accountId: string;
  /** E-mail addresses subscribed to the topic; each must confirm the subscription e-mail AWS sends. */
  readonly emailSubscriptions: readonly string[];
  /**
   * HTTPS endpoints subscribed to the topic (they must auto-confirm, as PagerDuty does).
   * @default none
   */
  readonly httpsSubscriptions?: readonly HttpsSubscription[];
  /**
   * Days the topic's KMS key stays recoverable after `terraform destroy` (7-30; the tier profile's `keyDeletionWindowDays`).
   * @default 30
   */
  readonly keyDeletionWindowDays?: number;
}

/**
 * The on-call SNS topic `<namePrefix>-oncall`, a `Topic` encrypted with its own customer managed
 * KMS key (CloudWatch cannot publish to a topic encrypted with the AWS managed key `alias/aws/sns`,
 * whose key policy cannot grant it kms:GenerateDataKey), a topic policy letting CloudWatch alarms
 * of one account publish and denying publishing without TLS, and e-mail / HTTPS subscriptions.
 */
export class AlarmTopic extends Topic {
  declare readonly key: KmsKey;
  /** Prefix the alarm sets use for alarm names by default. */
  readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id, alarmTopicProps(props));
    this.namePrefix = props.namePrefix;
  }
}

/** Validates AlarmTopicProps (messages name AlarmTopic) and turns them into the Topic's props. */
function alarmTopicProps(props: AlarmTopicProps) {
  const p = withDefaults(ALARM_TOPIC_DEFAULTS, props);
  validateProps('AlarmTopic', p, [
    { field: 'namePrefix', valid: (x) => /^[A-Za-z0-9_-]{1,200}$/.test(x.namePrefix), expected: '1-200 characters of [A-Za-z0-9_-]' },
    { field: 'accountId', valid: (x) => Token.isUnresolved(x.accountId) || /^\d{12}$/.test(x.accountId), expected: 'a 12-digit AWS account id' },
    { field: 'emailSubscriptions', valid: (x) => x.emailSubscriptions.every((e) => EMAIL_PATTERN.test(e)), expected: 'e-mail addresses such as oncall@example.com' },
    { field: 'emailSubscriptions', valid: (x) => unique(x.emailSubscriptions.map(emailKey)), expected: 'no address twice' },
    { field: 'httpsSubscriptions', valid: (x) => x.httpsSubscriptions.every((s) => SNAKE.test(s.name) && /^https:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/.test(s.url)), expected: 'entries { name: snake_case, url: https://... }' },
    { field: 'httpsSubscriptions', valid: (x) => unique(x.httpsSubscriptions.map((s) => s.name)), expected: 'unique names' },
    { field: 'emailSubscriptions', valid: (x) => x.emailSubscriptions.length + x.httpsSubscriptions.length > 0, expected: 'at least one subscriber (e-mail or HTTPS): an alarm nobody receives pages nobody' },
    { field: 'keyDeletionWindowDays', valid: (x) => Number.isInteger(x.keyDeletionWindowDays) && x.keyDeletionWindowDays >= 7 && x.keyDeletionWindowDays <= 30, expected: 'a whole number from 7 to 30' },
  ]);
  return {
    topicName: `${p.namePrefix}-oncall`,
    encryption: 'customer-managed' as const,
    accountId: p.accountId,
    servicePublishers: [{ service: 'cloudwatch.amazonaws.com', name: 'CloudWatchAlarms' }],
    emailSubscriptions: p.emailSubscriptions,
    httpsSubscriptions: p.httpsSubscriptions,
    keyDeletionWindowDays: p.keyDeletionWindowDays,
  };
}
