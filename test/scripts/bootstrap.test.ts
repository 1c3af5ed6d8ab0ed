/**
 * `npm run bootstrap`: the state bucket, against an in-memory S3 (aws-sdk-client-mock with handlers that
 * keep per-bucket settings and enforce ExpectedBucketOwner, like S3 does), and the CLI without credentials.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { bootstrapStateBucket } from '../../scripts/lib/bootstrap';
import { defaultStateBucket, s3Backend, stateLocation, type StateLocation } from '../../scripts/lib/state';

interface FakeBucket {
  owner: string;
  region: string;
  versioning?: 'Enabled' | 'Suspended';
  encryption?: string;
  publicAccessBlock?: Record<string, boolean>;
  ownership?: string;
  policy?: string;
  tags?: Tag[];
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (fake S3)`), { name, $metadata: { httpStatusCode: status } });
}

/** An S3 client whose calls act on `buckets`, as the account `caller`; `writes` records every Put/Create. */
function fakeS3(buckets: Map<string, FakeBucket>, caller: string, region: string) {
  const client = new S3Client({ region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const writes: string[] = [];
  const owned = (input: { Bucket?: string; ExpectedBucketOwner?: string }): FakeBucket => {
    const bucket = buckets.get(input.Bucket as string);
    if (!bucket) throw awsError('NoSuchBucket', 404);
    if (bucket.owner !== caller || (input.ExpectedBucketOwner && input.ExpectedBucketOwner !== bucket.owner)) throw awsError('AccessDenied', 403);
    return bucket;
  };
  const write = <T extends { Bucket?: string; ExpectedBucketOwner?: string }>(name: string, apply: (b: FakeBucket, input: T) => void) => (input: T) => {
    writes.push(name);
    apply(owned(input), input);
    return {};
  };
  mock.on(HeadBucketCommand).callsFake((input) => {
    const bucket = buckets.get(input.Bucket);
    if (!bucket) throw awsError('NotFound', 404);
    if (bucket.owner !== caller || (input.ExpectedBucketOwner && input.ExpectedBucketOwner !== bucket.owner)) throw awsError('Forbidden', 403);
    return {};
  });
  mock.on(CreateBucketCommand).callsFake((input) => {
    writes.push('CreateBucket');
    const existing = buckets.get(input.Bucket);
    if (existing) throw existing.owner === caller ? awsError('BucketAlreadyOwnedByYou', 409) : awsError('BucketAlreadyExists', 409);
    const location = input.CreateBucketConfiguration?.LocationConstraint ?? 'us-east-1';
    if (location !== region) throw awsError('IllegalLocationConstraintException', 400);
    // New buckets: SSE-S3 by default and ACLs disabled, as in S3 since 2023.
    buckets.set(input.Bucket, { owner: caller, region: location, encryption: 'AES256', ownership: input.ObjectOwnership ?? 'BucketOwnerEnforced' });
    return {};
  });
  mock.on(GetBucketVersioningCommand).callsFake((input) => ({ Status: owned(input).versioning }));
  mock.on(PutBucketVersioningCommand).callsFake(write('PutBucketVersioning', (b, i) => (b.versioning = i.VersioningConfiguration?.Status as FakeBucket['versioning'])));
  mock.on(GetBucketEncryptionCommand).callsFake((input) => {
    const b = owned(input);
    if (!b.encryption) throw awsError('ServerSideEncryptionConfigurationNotFoundError', 404);
    return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: b.encryption } }] } };
  });
  mock.on(PutBucketEncryptionCommand).callsFake(
    write('PutBucketEncryption', (b, i) => (b.encryption = i.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm)),
  );
  mock.on(GetPublicAccessBlockCommand).callsFake((input) => {
    const b = owned(input);
    if (!b.publicAccessBlock) throw awsError('NoSuchPublicAccessBlockConfiguration', 404);
    return { PublicAccessBlockConfiguration: b.publicAccessBlock };
  });
  mock.on(PutPublicAccessBlockCommand).callsFake(write('PutPublicAccessBlock', (b, i) => (b.publicAccessBlock = { ...i.PublicAccessBlockConfiguration } as Record<string, boolean>)));
  mock.on(GetBucketOwnershipControlsCommand).callsFake((input) => {
    const b = owned(input);
    if (!b.ownership) throw awsError('OwnershipControlsNotFoundError', 404);
    return { OwnershipControls: { Rules: [{ ObjectOwnership: b.ownership }] } };
  });
  mock.on(PutBucketOwnershipControlsCommand).callsFake(write('PutBucketOwnershipControls', (b, i) => (b.ownership = i.OwnershipControls?.Rules?.[0].ObjectOwnership)));
  mock.on(GetBucketPolicyCommand).callsFake((input) => {
    const b = owned(input);
    if (!b.policy) throw awsError('NoSuchBucketPolicy', 404);
    return { Policy: b.policy };
  });
  mock.on(PutBucketPolicyCommand).callsFake(write('PutBucketPolicy', (b, i) => (b.policy = i.Policy)));
  mock.on(GetBucketTaggingCommand).callsFake((input) => {
    const b = owned(input);
    if (!b.tags) throw awsError('NoSuchTagSet', 404);
    return { TagSet: b.tags };
  });
  mock.on(PutBucketTaggingCommand).callsFake(write('PutBucketTagging', (b, i) => (b.tags = i.Tagging?.TagSet)));
  return { client, writes, mock };
}

const ACCOUNT = '111111111111';

describe('bootstrapStateBucket', () => {
  const location = (region: string): StateLocation => ({ bucket: defaultStateBucket(ACCOUNT, region), region, accountId: ACCOUNT });

  test.each(['us-east-1', 'eu-west-1'])('creates a versioned, encrypted, private, TLS-only bucket in %s', async (region) => {
    const buckets = new Map<string, FakeBucket>();
    const s3 = fakeS3(buckets, ACCOUNT, region);
    const steps = await bootstrapStateBucket(s3.client, location(region), { tags: { Purpose: 'terraform-state' } });

    const bucket = buckets.get(`classifyhub-tfstate-${ACCOUNT}-${region}`) as FakeBucket;
    expect(bucket).toMatchObject({ owner: ACCOUNT, region, versioning: 'Enabled', encryption: 'AES256', ownership: 'BucketOwnerEnforced' });
    expect(bucket.publicAccessBlock).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const policy = JSON.parse(bucket.policy as string);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }),
    ]);
    expect(policy.Statement[0].Resource).toEqual([`arn:aws:s3:::${bucket && `classifyhub-tfstate-${ACCOUNT}-${region}`}`, `arn:aws:s3:::classifyhub-tfstate-${ACCOUNT}-${region}/*`]);
    expect(bucket.tags).toEqual(expect.arrayContaining([{ Key: 'ManagedBy', Value: 'classifyhub-bootstrap' }, { Key: 'Purpose', Value: 'terraform-state' }]));
    expect(steps.map((s) => [s.step, s.status])).toEqual([
      ['bucket', 'created'],
      ['versioning', 'updated'],
      ['encryption', 'unchanged'], // S3's default for new buckets is already SSE-S3
      ['public access block', 'created'],
      ['object ownership', 'unchanged'],
      ['TLS-only policy', 'created'],
      ['tags', 'created'],
    ]);
    // us-east-1 must not be named as a location constraint; other regions must.
    const create = s3.mock.commandCalls(CreateBucketCommand)[0].args[0].input;
    expect(create.CreateBucketConfiguration?.LocationConstraint).toBe(region === 'us-east-1' ? undefined : region);
  });

  test('a second run changes nothing and says so', async () => {
    const buckets = new Map<string, FakeBucket>();
    await bootstrapStateBucket(fakeS3(buckets, ACCOUNT, 'us-east-1').client, location('us-east-1'));
    const before = JSON.stringify([...buckets]);
    const again = fakeS3(buckets, ACCOUNT, 'us-east-1');
    const steps = await bootstrapStateBucket(again.client, location('us-east-1'));
    expect(steps.every((s) => s.status === 'unchanged')).toBe(true);
    expect(again.writes).toEqual([]);
    expect(JSON.stringify([...buckets])).toBe(before);
  });

  test('fixes drifted settings and keeps foreign policy statements and tags', async () => {
    const bucketName = defaultStateBucket(ACCOUNT, 'us-east-1');
    const foreign = { Sid: 'AllowAuditRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/audit' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucketName}/*` };
    const buckets = new Map<string, FakeBucket>([
      [
        bucketName,
        {
          owner: ACCOUNT,
          region: 'us-east-1',
          versioning: 'Suspended',
          encryption: 'aws:kms',
          publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true },
          ownership: 'ObjectWriter',
          policy: JSON.stringify({ Version: '2012-10-17', Statement: [foreign] }),
          tags: [{ Key: 'Team', Value: 'platform' }],
        },
      ],
    ]);
    const s3 = fakeS3(buckets, ACCOUNT, 'us-east-1');
    const steps = await bootstrapStateBucket(s3.client, location('us-east-1'));
    const bucket = buckets.get(bucketName) as FakeBucket;
    expect(bucket).toMatchObject({ versioning: 'Enabled', encryption: 'aws:kms', ownership: 'BucketOwnerEnforced' });
    expect(Object.values(bucket.publicAccessBlock ?? {})).toEqual([true, true, true, true]);
    expect(JSON.parse(bucket.policy as string).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['AllowAuditRole', 'DenyInsecureTransport', 'DenyTlsBelow12']);
    expect(bucket.tags).toEqual(expect.arrayContaining([{ Key: 'Team', Value: 'platform' }, { Key: 'ManagedBy', Value: 'classifyhub-bootstrap' }]));
    expect(steps.find((s) => s.step === 'versioning')).toMatchObject({ status: 'updated', detail: 'enabled (was Suspended)' });
    expect(steps.find((s) => s.step === 'encryption')).toMatchObject({ status: 'unchanged' }); // SSE-KMS is not downgraded
    expect(s3.writes).not.toContain('PutBucketEncryption');
  });

  test("never touches a bucket of the same name in another account", async () => {
    const bucketName = defaultStateBucket(ACCOUNT, 'us-east-1');
    const buckets = new Map<string, FakeBucket>([[bucketName, { owner: '999999999999', region: 'us-east-1' }]]);
    const s3 = fakeS3(buckets, ACCOUNT, 'us-east-1');
    await expect(bootstrapStateBucket(s3.client, location('us-east-1'))).rejects.toThrow(
      new RegExp(`s3://${bucketName} \\(us-east-1\\), step "bucket": the bucket exists but is not in account ${ACCOUNT}.*state\\.bucket in the environment file`),
    );
    expect(s3.writes).toEqual([]);
  });
});

describe('stateLocation', () => {
  const env = { name: 'dev', account: { id: ACCOUNT, region: 'eu-west-1' }, file: 'environments/dev.ts' };

  test('defaults to classifyhub-tfstate-<account>-<region> in the environment region, S3 lock file, no key prefix', () => {
    expect(stateLocation(env)).toEqual({ bucket: 'classifyhub-tfstate-111111111111-eu-west-1', region: 'eu-west-1', accountId: ACCOUNT, keyPrefix: '' });
    expect(s3Backend(stateLocation(env), 'webhooks-dev')).toEqual({
      bucket: 'classifyhub-tfstate-111111111111-eu-west-1',
      key: 'webhooks-dev/terraform.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
  });

  test("the environment's state section names bucket, region, key prefix and a DynamoDB lock table", () => {
    const own = { ...env, state: { bucket: 'acme-tf-state', region: 'us-west-2', keyPrefix: 'platform/', lockTable: 'acme-tf-locks' } };
    expect(s3Backend(stateLocation(own), 'classifyhub-dev')).toEqual({
      bucket: 'acme-tf-state',
      key: 'platform/classifyhub-dev/terraform.tfstate',
      region: 'us-west-2',
      encrypt: true,
      dynamodb_table: 'acme-tf-locks',
    });
  });

  test('bad values name the file, the field and the value', () => {
    expect(() => stateLocation({ ...env, state: { bucket: 'Bad_Name' } })).toThrow('environments/dev.ts field "state.bucket": received "Bad_Name"; expected an S3 bucket name');
    expect(() => stateLocation({ ...env, state: { keyPrefix: 'no-slash' } })).toThrow('environments/dev.ts field "state.keyPrefix": received "no-slash"');
  });
});

describe('npm run bootstrap', () => {
  test('without credentials: says so, names the account, exits 1 and creates nothing', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-home-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const result = spawnSync('npx', ['tsx', 'scripts/bootstrap.ts', 'dev'], { cwd: path.join(__dirname, '..', '..'), env: { ...env, HOME: home }, encoding: 'utf8' });
    fs.rmSync(home, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('state bucket of dev: s3://classifyhub-tfstate-111111111111-us-east-1');
    expect(result.stderr).toContain('bootstrap needs AWS credentials of account 111111111111 (no AWS credentials found)');
    expect(result.stderr).toContain('Nothing was created.');
  });
});
