import { Construct } from 'constructs';
import { synthFixture } from '../helpers';
import { ServiceRole } from '../../modules/iam/role';
import { Queue } from '../../modules/queue';
import { LambdaFunction } from '../../modules/function';
import { Topic, emailKey } from '../../modules/topic';
import { AlarmTopic, emailKey as observabilityEmailKey } from '../../modules/observability';
import * as path from 'node:path';

type Json = { resource: Record<string, Record<string, any>> };
const synth = (build: (s: Construct) => void) => JSON.parse(synthFixture(build)) as Json;
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'lambda-function', 'index.ts');

describe('Topic', () => {
  test('aws-managed: alias/aws/sns, TLS-only policy, e-mail subscriptions with an optional filter policy; grantPublish is sns:Publish only', () => {
    const json = synth((s) => {
      const t = new Topic(s, 'news', { topicName: 'news', emailSubscriptions: ['Ops@Example.com', { address: 'acme@example.com', filterPolicy: { vendor_id: ['acme'] } }] });
      t.grantPublish(new ServiceRole(s, 'role', { roleName: 'r', assumedBy: 'lambda.amazonaws.com', description: 'd' }));
    });
    expect(json.resource.aws_sns_topic.news_topic).toMatchObject({ name: 'news', kms_master_key_id: 'alias/aws/sns' });
    expect(json.resource.aws_kms_key).toBeUndefined();
    expect(JSON.parse(json.resource.aws_sns_topic_policy.news_policy.policy).Statement).toEqual([
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sns:Publish', Resource: '${aws_sns_topic.news_topic.arn}', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
    const subs = json.resource.aws_sns_topic_subscription;
    expect(Object.keys(subs).sort()).toEqual(['news_subscription_acme_at_example_com', 'news_subscription_ops_at_example_com']);
    expect(subs.news_subscription_ops_at_example_com.filter_policy).toBeUndefined();
    expect(subs.news_subscription_acme_at_example_com).toMatchObject({ protocol: 'email', filter_policy: '{"vendor_id":["acme"]}', filter_policy_scope: 'MessageAttributes' });
    expect(JSON.parse(json.resource.aws_iam_role_policy.role_policy.policy).Statement).toEqual([{ Sid: 'PublishNews', Effect: 'Allow', Action: 'sns:Publish', Resource: '${aws_sns_topic.news_topic.arn}' }]);
  });

  test('customer-managed with a service publisher: own key, Allow<name>Publish before the TLS deny; grantPublish adds the key', () => {
    const json = synth((s) => {
      const t = new Topic(s, 'events', { topicName: 'events', encryption: 'customer-managed', accountId: '123456789012', servicePublishers: [{ service: 'events.amazonaws.com', name: 'EventBridge' }], keyDeletionWindowDays: 7 });
      t.grantPublish(new ServiceRole(s, 'role', { roleName: 'r', assumedBy: 'lambda.amazonaws.com', description: 'd' }));
    });
    expect(json.resource.aws_sns_topic.events_topic.kms_master_key_id).toBe('${aws_kms_key.events_key.arn}');
    expect(json.resource.aws_kms_key.events_key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    expect(JSON.parse(json.resource.aws_kms_key.events_key.policy).Statement.map((x: any) => x.Sid)).toEqual(['EnableAccountAdministration', 'AllowEventBridgeToEncrypt']);
    const policy = JSON.parse(json.resource.aws_sns_topic_policy.events_policy.policy).Statement;
    expect(policy.map((x: any) => x.Sid)).toEqual(['AllowEventBridgePublish', 'DenyInsecureTransport']);
    expect(policy[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    expect(JSON.parse(json.resource.aws_iam_role_policy.role_policy.policy).Statement.map((x: any) => x.Sid)).toEqual(['PublishEvents', 'EncryptEvents']);
  });

  test('SQS and Lambda subscriptions: the queue policy admits the topic; the function gets an SNS invoke permission', () => {
    const json = synth((s) => {
      const queue = new Queue(s, 'inbox', { queueName: 'inbox' });
      const fn = new LambdaFunction(s, 'handler', { functionName: 'handler', entry: FIXTURE, logRetentionDays: 14 });
      new Topic(s, 'events', { topicName: 'events', accountId: '123456789012', sqsSubscriptions: [{ queue, rawMessageDelivery: true }], lambdaSubscriptions: [{ function: fn, filterPolicy: { kind: ['a'] }, filterPolicyScope: 'MessageBody' }] });
    });
    const subs = json.resource.aws_sns_topic_subscription;
    expect(subs.events_sqs_subscription_inbox).toMatchObject({ protocol: 'sqs', endpoint: '${aws_sqs_queue.inbox_queue.arn}', raw_message_delivery: true });
    expect(subs.events_lambda_subscription_handler).toMatchObject({ protocol: 'lambda', filter_policy_scope: 'MessageBody', depends_on: ['aws_lambda_permission.events_lambda_subscription_handler_permission'] });
    expect(json.resource.aws_lambda_permission.events_lambda_subscription_handler_permission).toMatchObject({ principal: 'sns.amazonaws.com', source_arn: '${aws_sns_topic.events_topic.arn}', source_account: '123456789012' });
    const queuePolicy = JSON.parse(json.resource.aws_sqs_queue_policy.inbox_queue_policy.policy).Statement;
    expect(queuePolicy.map((x: any) => x.Sid)).toEqual(['AllowEventsSend', 'DenyInsecureTransport']);
    expect(queuePolicy[0]).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': '${aws_sns_topic.events_topic.arn}' } } });
    // The dead-letter queue's policy is untouched.
    expect(JSON.parse(json.resource.aws_sqs_queue_policy.inbox_dead_letter_queue_policy.policy).Statement.map((x: any) => x.Sid)).toEqual(['DenyInsecureTransport']);
  });

  test('bad props: one error naming each field and the value received', () => {
    expect(() => synth((s) => new Topic(s, 't', { topicName: 'bad name', emailSubscriptions: ['x@example.com', 'X@example.com'] }))).toThrow(/Topic: invalid props\n  - topicName: received "bad name"; expected 1-256 characters[\s\S]*emailSubscriptions: received .*; expected no address twice/);
    expect(() => synth((s) => new Topic(s, 't', { topicName: 't', servicePublishers: [{ service: 'cloudwatch.amazonaws.com', name: 'CloudWatch' }] }))).toThrow(/servicePublishers: .*expected none with 'aws-managed' encryption/);
    expect(() => synth((s) => new Topic(s, 't', { topicName: 't', encryption: 'customer-managed' }))).toThrow(/accountId: received nothing; expected an account id/);
    expect(() => synth((s) => new Topic(s, 't', { topicName: 't', emailSubscriptions: ['not-an-address'] }))).toThrow(/emailSubscriptions: received \["not-an-address"\]/);
  });

  test('one e-mail key for every topic; AlarmTopic is a Topic with the addresses it always had', () => {
    expect(emailKey('Ops.Team@example.com')).toBe('ops_team_at_example_com');
    expect(observabilityEmailKey).toBe(emailKey);
    const json = synth((s) => expect(new AlarmTopic(s, 'oncall', { namePrefix: 'x', accountId: '123456789012', emailSubscriptions: ['ops@example.com'] })).toBeInstanceOf(Topic));
    expect(Object.keys(json.resource.aws_sns_topic_subscription)).toEqual(['oncall_subscription_ops_at_example_com']);
    expect(Object.keys(json.resource.aws_kms_alias)).toEqual(['oncall_key_alias']);
  });
});
