import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { validateProps } from '../../modules/core/props';
import { nameTags, pascalCase } from '../../modules/core/tags';
import { IGrantable, renderPolicy } from '../../modules/iam/policy';
import { emailKey } from '../../modules/observability';

export interface NotificationTopicProps {
  /** Topic name. */
  readonly topicName: string;
  /** E-mail addresses subscribed (each confirms the subscription e-mail AWS sends). */
  readonly emailSubscriptions: readonly string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The vendors' notification topic (seed: product-upload-notifications): encrypted at rest with
 * the AWS managed key `alias/aws/sns` (whose key policy admits SNS callers of the account, so
 * publishers need no KMS grant), a topic policy denying publishing without TLS, and e-mail
 * subscriptions (`aws_sns_topic_subscription.<id>_subscription_<address>`).
 */
export class NotificationTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    validateProps('NotificationTopic', props, [
      { field: 'topicName', valid: (x) => /^[A-Za-z0-9_-]{1,256}$/.test(x.topicName), expected: '1-256 characters of [A-Za-z0-9_-]' },
      { field: 'emailSubscriptions', valid: (x) => x.emailSubscriptions.every((e) => EMAIL.test(e)), expected: 'e-mail addresses such as vendor@example.com' },
      { field: 'emailSubscriptions', valid: (x) => new Set(x.emailSubscriptions.map(emailKey)).size === x.emailSubscriptions.length, expected: 'no address twice' },
    ]);
    this.topic = new SnsTopic(this, 'topic', {
      name: props.topicName,
      kmsMasterKeyId: 'alias/aws/sns',
      tags: nameTags(props.topicName),
    });
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: renderPolicy([
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: { AWS: '*' },
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
    for (const address of props.emailSubscriptions) {
      new SnsTopicSubscription(this, `subscription_${emailKey(address)}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: address });
    }
  }

  get topicArn(): string {
    return this.topic.arn;
  }

  /** Lets the grantee publish (sns:Publish on this topic only). */
  grantPublish(grantee: IGrantable): void {
    grantee.addToPolicy({ sid: `Publish${pascalCase(this.node.id)}`, actions: ['sns:Publish'], resources: [this.topic.arn] });
  }
}
