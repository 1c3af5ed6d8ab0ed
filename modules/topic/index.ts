import { Construct } from 'constructs';
import { Lazy, Token } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { PropRule, validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { IGrantable, PolicyStatement, renderPolicy } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';
import type { LambdaFunction } from '../function';
import type { Queue } from '../queue';
import { EMAIL_PATTERN, TOPIC_DEFAULTS, TOPIC_SETTINGS } from './defaults';

export { EMAIL_PATTERN, TOPIC_DEFAULTS, TOPIC_SETTINGS } from './defaults';

/** Which messages a subscription receives (SNS filter policy). */
export interface SubscriptionFilter {
  /**
   * SNS filter policy, e.g. `{ vendor_id: ['acme'] }`.
   * @default none - every message
   */
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  /**
   * What the filter policy matches.
   * @default 'MessageAttributes'
   */
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

/** An e-mail subscriber (`<id>_subscription_<emailKey(address)>`); the address confirms the e-mail AWS sends. */
export interface EmailSubscription extends SubscriptionFilter {
  readonly address: string;
}

/** An HTTPS endpoint (`<id>_https_subscription_<name>`) that auto-confirms (PagerDuty, Opsgenie...). */
export interface HttpsSubscription extends SubscriptionFilter {
  /** snake_case name; becomes the Terraform address `<id>_https_subscription_<name>`. */
  readonly name: string;
  /** https:// URL. It contains the integration key, so it is in Terraform state. */
  readonly url: string;
}

/** A Lambda subscriber (`<id>_lambda_subscription_<function id>` and its invoke permission). */
export interface LambdaSubscription extends SubscriptionFilter {
  readonly function: LambdaFunction;
}

/** An SQS subscriber (`<id>_sqs_subscription_<queue id>`); the queue's policy admits this topic. */
export interface SqsSubscription extends SubscriptionFilter {
  readonly queue: Queue;
  /**
   * Deliver the message body as sent, without the SNS envelope.
   * @default false
   */
  readonly rawMessageDelivery?: boolean;
}

/** An AWS service allowed to publish (topic policy, and the key policy with a customer managed key). */
export interface ServicePublisher {
  /** Service principal, e.g. "cloudwatch.amazonaws.com". */
  readonly service: string;
  /** PascalCase name in the statement ids `Allow<name>Publish` / `Allow<name>ToEncrypt`, e.g. "CloudWatchAlarms". */
  readonly name: string;
}

export interface TopicProps {
  /** Topic name (1-256 characters of [A-Za-z0-9_-]). */
  readonly topicName: string;
  /**
   * Key encrypting messages at rest: 'aws-managed' (alias/aws/sns; IAM principals of the account
   * publish with sns:Publish alone, AWS services cannot publish) or 'customer-managed' (a key of
   * the topic, `<id>_key` and alias `alias/<topicName>`; publishers also get kms:GenerateDataKey* and kms:Decrypt).
   * @default 'aws-managed'
   */
  readonly encryption?: 'aws-managed' | 'customer-managed';
  /**
   * 12-digit account id: the administrator of a customer managed key, and the only account whose
   * `servicePublishers` may publish (aws:SourceAccount). Required with either.
   * @default none
   */
  readonly accountId?: string;
  /**
   * AWS services allowed to publish (e.g. CloudWatch alarms); needs 'customer-managed' encryption.
   * @default none
   */
  readonly servicePublishers?: readonly ServicePublisher[];
  /**
   * E-mail subscribers: addresses, or addresses with a filter policy.
   * @default none
   */
  readonly emailSubscriptions?: readonly (string | EmailSubscription)[];
  /**
   * HTTPS subscribers.
   * @default none
   */
  readonly httpsSubscriptions?: readonly HttpsSubscription[];
  /**
   * Lambda subscribers.
   * @default none
   */
  readonly lambdaSubscriptions?: readonly LambdaSubscription[];
  /**
   * SQS subscribers.
   * @default none
   */
  readonly sqsSubscriptions?: readonly SqsSubscription[];
  /**
   * Days a customer managed key stays recoverable after `terraform destroy` (7-30; the tier profile's `keyDeletionWindowDays`).
   * @default 30
   */
  readonly keyDeletionWindowDays?: number;
}

const SNAKE = /^[a-z][a-z0-9_]*$/;
const HTTPS_URL = /^https:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/;

/** "Ops.Team@example.com" -> "ops_team_at_example_com": the stable key of an e-mail subscription (its Terraform address part). */
export function emailKey(address: string): string {
  return address.toLowerCase().replace('@', '_at_').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
}

const emailOf = (e: string | EmailSubscription): EmailSubscription => (typeof e === 'string' ? { address: e } : e);
const unique = (values: readonly string[]): boolean => new Set(values).size === values.length;
const validFilter = (f: SubscriptionFilter): boolean => (f.filterPolicy === undefined || Object.keys(f.filterPolicy).length > 0) && (f.filterPolicyScope === undefined || ['MessageAttributes', 'MessageBody'].includes(f.filterPolicyScope));

/** Validation rules of TopicProps (merged with TOPIC_DEFAULTS); also checked by the README test. */
export const TOPIC_RULES: readonly PropRule<TopicProps & typeof TOPIC_DEFAULTS>[] = [
  { field: 'topicName', valid: (x) => new RegExp(`^[A-Za-z0-9_-]{1,${TOPIC_SETTINGS.maxNameLength}}$`).test(x.topicName), expected: '1-256 characters of [A-Za-z0-9_-]' },
  { field: 'encryption', valid: (x) => ['aws-managed', 'customer-managed'].includes(x.encryption), expected: "'aws-managed' or 'customer-managed'" },
  { field: 'accountId', valid: (x) => x.accountId === undefined || Token.isUnresolved(x.accountId) || /^\d{12}$/.test(x.accountId), expected: 'a 12-digit AWS account id' },
  { field: 'accountId', valid: (x) => x.accountId !== undefined || (x.encryption === 'aws-managed' && !(x.servicePublishers ?? []).length), expected: "an account id with 'customer-managed' encryption or servicePublishers" },
  { field: 'servicePublishers', valid: (x) => !(x.servicePublishers ?? []).length || x.encryption === 'customer-managed', expected: "none with 'aws-managed' encryption (its key policy cannot admit AWS services): use 'customer-managed'" },
  { field: 'servicePublishers', valid: (x) => (x.servicePublishers ?? []).every((s) => /^[a-z0-9.-]+\.amazonaws\.com$/.test(s.service) && /^[A-Z][A-Za-z0-9]*$/.test(s.name)), expected: 'entries { service: <name>.amazonaws.com, name: PascalCase }' },
  { field: 'emailSubscriptions', valid: (x) => (x.emailSubscriptions ?? []).map(emailOf).every((e) => EMAIL_PATTERN.test(e.address) && validFilter(e)), expected: 'e-mail addresses such as oncall@example.com (filter policies non-empty)' },
  { field: 'emailSubscriptions', valid: (x) => unique((x.emailSubscriptions ?? []).map((e) => emailKey(emailOf(e).address))), expected: 'no address twice' },
  { field: 'httpsSubscriptions', valid: (x) => (x.httpsSubscriptions ?? []).every((s) => SNAKE.test(s.name) && HTTPS_URL.test(s.url) && validFilter(s)), expected: 'entries { name: snake_case, url: https://... }' },
  { field: 'httpsSubscriptions', valid: (x) => unique((x.httpsSubscriptions ?? []).map((s) => s.name)), expected: 'unique names' },
  { field: 'accountId', valid: (x) => x.accountId !== undefined || !(x.lambdaSubscriptions ?? []).length, expected: 'an account id with lambdaSubscriptions (the invoke permission names it)' },
  { field: 'lambdaSubscriptions', valid: (x) => unique((x.lambdaSubscriptions ?? []).map((s) => s.function.node.id)) && (x.lambdaSubscriptions ?? []).every(validFilter), expected: 'each function once' },
  { field: 'sqsSubscriptions', valid: (x) => unique((x.sqsSubscriptions ?? []).map((s) => s.queue.node.id)) && (x.sqsSubscriptions ?? []).every(validFilter), expected: 'each queue once' },
  { field: 'keyDeletionWindowDays', valid: (x) => Number.isInteger(x.keyDeletionWindowDays) && x.keyDeletionWindowDays >= 7 && x.keyDeletionWindowDays <= 30, expected: 'a whole number from 7 to 30' },
];

/**
 * An SNS topic for people and programs alike (on-call alarms, product notifications):
 * encrypted at rest (AWS managed or its own customer managed key), a topic policy that denies
 * publishing without TLS (and admits the `servicePublishers` of one account), and e-mail, HTTPS,
 * Lambda and SQS subscriptions, each with an optional filter policy. Publishers get `grantPublish`.
 */
export class Topic extends Construct {
  readonly topic: SnsTopic;
  /** The customer managed key ('customer-managed' encryption). */
  readonly key?: KmsKey;
  readonly topicName: string;
  private readonly policyStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: TopicProps) {
    super(scope, id);
    const p = withDefaults(TOPIC_DEFAULTS, props);
    const view = {
      ...p,
      lambdaSubscriptions: p.lambdaSubscriptions?.map((s) => ({ ...s, function: s.function.node.path })),
      sqsSubscriptions: p.sqsSubscriptions?.map((s) => ({ ...s, queue: s.queue.node.path })),
    };
    validateProps('Topic', view as unknown as typeof p, TOPIC_RULES.map((r) => ({ ...r, valid: () => r.valid(p) })));
    this.topicName = p.topicName;
    const publishers = p.servicePublishers ?? [];

    if (p.encryption === 'customer-managed') {
      this.key = new KmsKey(this, 'key', {
        description: `Encrypts messages of the SNS topic ${p.topicName}`,
        enableKeyRotation: true,
        deletionWindowInDays: p.keyDeletionWindowDays,
        policy: renderPolicy([
          { sid: 'EnableAccountAdministration', principals: { AWS: `arn:aws:iam::${p.accountId}:root` }, actions: ['kms:*'], resources: ['*'] },
          // Shape from the SNS guide ("compatibility between event sources from AWS services and
          // encrypted topics"). Who may publish is limited by the topic policy (aws:SourceAccount).
          ...publishers.map((s) => ({ sid: `Allow${s.name}ToEncrypt`, principals: { Service: s.service }, actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] })),
        ]),
        tags: nameTags(p.topicName),
      });
      new KmsAlias(this, 'key_alias', { name: `alias/${p.topicName}`, targetKeyId: this.key.keyId });
    }
    this.topic = new SnsTopic(this, 'topic', {
      name: p.topicName,
      kmsMasterKeyId: this.key ? this.key.arn : TOPIC_SETTINGS.awsManagedKey,
      tags: nameTags(p.topicName),
    });
    for (const s of publishers) {
      this.policyStatements.push({
        sid: `Allow${s.name}Publish`,
        principals: { Service: s.service },
        actions: ['sns:Publish'],
        resources: [this.topic.arn],
        conditions: { StringEquals: { 'aws:SourceAccount': p.accountId! } },
      });
    }
    const deny: PolicyStatement = {
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: { AWS: '*' },
      actions: ['sns:Publish'],
      resources: [this.topic.arn],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: Lazy.stringValue({ produce: () => renderPolicy([...this.policyStatements, deny]) }),
    });

    for (const e of (p.emailSubscriptions ?? []).map(emailOf)) {
      new SnsTopicSubscription(this, `subscription_${emailKey(e.address)}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: e.address, ...filterOf(e) });
    }
    for (const s of p.httpsSubscriptions ?? []) {
      new SnsTopicSubscription(this, `https_subscription_${s.name}`, { topicArn: this.topic.arn, protocol: 'https', endpoint: s.url, endpointAutoConfirms: true, ...filterOf(s) });
    }
    for (const s of p.lambdaSubscriptions ?? []) {
      const fnId = s.function.node.id;
      const permission = s.function.grantInvokeToService(this, `lambda_subscription_${fnId}_permission`, {
        statementId: 'AllowSnsInvoke',
        principal: 'sns.amazonaws.com',
        sourceArn: this.topic.arn,
        sourceAccount: p.accountId!,
      });
      new SnsTopicSubscription(this, `lambda_subscription_${fnId}`, { topicArn: this.topic.arn, protocol: 'lambda', endpoint: s.function.functionArn, dependsOn: [permission], ...filterOf(s) });
    }
    for (const s of p.sqsSubscriptions ?? []) {
      s.queue.allowSendFromTopic(this, this.topic.arn);
      new SnsTopicSubscription(this, `sqs_subscription_${s.queue.node.id}`, { topicArn: this.topic.arn, protocol: 'sqs', endpoint: s.queue.queue.arn, rawMessageDelivery: s.rawMessageDelivery, ...filterOf(s) });
    }
  }

  get topicArn(): string {
    return this.topic.arn;
  }

  /**
   * Lets the grantee perform `actions` on the topic (e.g. 'sns:GetTopicAttributes'); the statement id is
   * the actions' names followed by the topic's construct path.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.topic.arn] });
  }

  /**
   * Lets the grantee publish (sns:Publish on this topic only, sid `Publish<path>`) and, with a
   * customer managed key, use the key as publishing needs (sid `Encrypt<path>`).
   */
  grantPublish(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'Publish', resource: this, actions: ['sns:Publish'], resources: [this.topic.arn] });
    if (this.key) grantStatement(grantee, { verb: 'Encrypt', resource: this, actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: [this.key.arn] });
  }
}

function filterOf(f: SubscriptionFilter): { filterPolicy?: string; filterPolicyScope?: string } {
  if (!f.filterPolicy) return {};
  return { filterPolicy: JSON.stringify(f.filterPolicy), filterPolicyScope: f.filterPolicyScope ?? 'MessageAttributes' };
}
