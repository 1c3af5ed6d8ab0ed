import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { synthFixture } from '../helpers';
import { ServiceRole } from '../../modules/iam/role';
import { actionsVerb, grantPath, grantSid } from '../../modules/iam/grant';
import { Queue } from '../../modules/queue';
import { Secret } from '../../modules/secret';
import { Topic } from '../../modules/topic';

const ROOT = path.resolve(__dirname, '..', '..');
/** Where systems live and what composes them; lambdas/ is runtime code (no IAM), modules/ is where IAM is written. */
const SCANNED = ['systems', 'main.ts'];

/** What counts as writing IAM by hand: statements, policy documents, IAM policy resources. */
const RAW_IAM: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'addToPolicy call', pattern: /\.addToPolicy\s*\(/ },
  { what: 'renderPolicy call (a hand-written policy document)', pattern: /\brenderPolicy\s*\(/ },
  { what: 'serviceTrustPolicy call', pattern: /\bserviceTrustPolicy\s*\(/ },
  { what: 'IAM policy resource of the provider', pattern: /@cdktf\/provider-aws\/lib\/(iam-(role-)?policy|iam-policy-attachment|data-aws-iam-policy-document)['"]/ },
  { what: 'policy JSON ("Statement")', pattern: /["']?Statement["']?\s*:\s*\[/ },
];

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return /\.ts$/.test(full) ? [full] : [];
  return fs.readdirSync(full).flatMap((name) => sourceFiles(path.join(entry, name)));
}

/** Every line of `text` writing IAM by hand, as "<file>:<line>: <what>: <code>". */
export function rawIamLines(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
    return RAW_IAM.filter((r) => r.pattern.test(code)).map((r) => `${file}:${i + 1}: ${r.what}: ${line.trim()}`);
  });
}

describe('systems write no IAM of their own', () => {
  test('no addToPolicy, policy document or IAM policy resource outside modules/ (systems/ and main.ts, every system added later included)', () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((f) => rawIamLines(path.relative(ROOT, f), fs.readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  test('the scan catches each form (so the test above can fail)', () => {
    const sample = [
      "role.addToPolicy({ sid: 'X', actions: ['s3:GetObject'], resources: ['*'] });",
      "const p = renderPolicy([{ actions: ['kms:*'], resources: ['*'] }]);",
      "import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';",
      "const doc = { Version: '2012-10-17', Statement: [] };",
      '// role.addToPolicy(x) in a comment is fine',
      'bucket.grantReadObjects(role, "uploads/");',
    ].join('\n');
    expect(rawIamLines('sample.ts', sample).map((l) => l.split(': ')[1])).toEqual([
      'addToPolicy call',
      'renderPolicy call (a hand-written policy document)',
      'IAM policy resource of the provider',
      'policy JSON ("Statement")',
    ]);
  });
});

describe('grants: statement ids from the construct path, one sid per role', () => {
  const role = (s: Construct, id = 'role') => new ServiceRole(s, id, { roleName: `r-${id}`, assumedBy: 'lambda.amazonaws.com', description: 'test' });

  test('a duplicate sid on one role fails at synth, naming the role, the sid and both origins', () => {
    expect(() =>
      synthFixture((s) => {
        const r = role(s);
        const q = new Queue(s, 'jobs', { queueName: 'jobs' });
        q.grantSendMessages(r);
        q.grantSendMessages(r);
      }),
    ).toThrow(/ServiceRole test\/role \(role r-role\): statement id "SendJobs" is already on the role; first added by Send grant of test\/jobs, again by Send grant of test\/jobs/);
    // A hand-made statement names the calling source line.
    expect(() =>
      synthFixture((s) => {
        const r = role(s);
        r.addToPolicy({ sid: 'Same', actions: ['s3:ListAllMyBuckets'], resources: ['*'] });
        r.addToPolicy({ sid: 'Same', actions: ['s3:ListAllMyBuckets'], resources: ['*'] });
      }),
    ).toThrow(/statement id "Same" is already on the role; first added by test\/modules\/iam\.test\.ts:\d+, again by test\/modules\/iam\.test\.ts:\d+/);
  });

  test('two resources with the same construct id in different scopes get different sids', () => {
    const out = JSON.parse(
      synthFixture((s) => {
        const r = role(s);
        for (const region of ['eu', 'us']) new Queue(new Construct(s, region), 'jobs', { queueName: `jobs-${region}` }).grantConsumeMessages(r);
      }),
    );
    const sids = JSON.parse(out.resource.aws_iam_role_policy.role_policy.policy).Statement.map((x: { Sid: string }) => x.Sid);
    expect(sids).toEqual(['ConsumeEuJobs', 'ConsumeUsJobs']);
  });

  test('the path is taken below the scope the resource shares with the grantee', () => {
    synthFixture((s) => {
      const region = new Construct(s, 'eu_west_1');
      const q = new Queue(region, 'jobs', { queueName: 'jobs' });
      const inRegion = role(region, 'worker');
      const atRoot = role(s, 'central');
      expect(grantPath(q, inRegion)).toBe('jobs');
      expect(grantPath(q, atRoot)).toBe('eu_west_1_jobs');
      expect(grantPath(q.deadLetterQueue, inRegion)).toBe('jobs_dead_letter_queue');
      expect(grantSid('Send', q, atRoot)).toBe('SendEuWest1Jobs');
      // Without a construct grantee: the path below the stack.
      expect(grantSid('Send', q, { addToPolicy: () => undefined })).toBe('SendEuWest1Jobs');
    });
  });

  test('grant(grantee, ...actions) of each module: the actions on the resource, sid <actions><path>', () => {
    const out = JSON.parse(
      synthFixture((s) => {
        const r = role(s);
        new Queue(s, 'jobs', { queueName: 'jobs' }).grant(r, 'sqs:SendMessage');
        new Secret(s, 'api_key', { secretName: 'api-key', description: 'k' }).grant(r, 'secretsmanager:GetSecretValue');
        new Topic(s, 'events', { topicName: 'events' }).grant(r, 'sns:GetTopicAttributes');
      }),
    );
    const statements = JSON.parse(out.resource.aws_iam_role_policy.role_policy.policy).Statement;
    expect(statements).toEqual([
      { Sid: 'SendMessageJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '${aws_sqs_queue.jobs_queue.arn}' },
      { Sid: 'GetSecretValueApiKey', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '${aws_secretsmanager_secret.api_key_secret.arn}' },
      { Sid: 'GetTopicAttributesEvents', Effect: 'Allow', Action: 'sns:GetTopicAttributes', Resource: '${aws_sns_topic.events_topic.arn}' },
    ]);
    expect(actionsVerb(['kms:GenerateDataKey*', 'kms:Decrypt'])).toBe('GenerateDataKeyAllDecrypt');
    expect(() => synthFixture((s) => new Queue(s, 'q', { queueName: 'q' }).grant(role(s)))).toThrow(/grant on test\/q: at least one action is required/);
  });
});
