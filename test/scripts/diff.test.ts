/**
 * `npm run diff`: the comparison of two synth outputs (known differences,
 * volatile values ignored), its Markdown, and one real run against HEAD with
 * the working tree's environments pointed at a copy that changes one value.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changedLines, diffOutdirs, diffStack, formatMarkdown, normalizeVolatile } from '../../scripts/lib/diff';

const REPO = path.resolve(__dirname, '..', '..');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const policy = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: resource }] });

/** The base side of a stack: a bucket, a role policy, a Lambda with an asset, an instance. */
const base = {
  '//': { metadata: { version: '0.21.0', stackName: 'app-dev' } },
  provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Owner: 'platform' } }] }] },
  resource: {
    aws_s3_bucket: { images: { '//': { metadata: { path: 'app-dev/images' } }, bucket: 'app-dev-images' } },
    aws_iam_role_policy: { reader: { name: 'reader', policy: policy('${aws_s3_bucket.images.arn}/*') } },
    aws_lambda_function: {
      parser: {
        function_name: 'parser',
        filename: 'assets/parser_code/0123456789ABCDEF0123456789ABCDEF/archive.zip',
        source_code_hash: 'abc=',
        environment: { variables: { LEVEL: 'info' } },
      },
    },
    aws_instance: { host: { instance_type: 't3.large', user_data: 'line 1\nline 2\nline 3\n' } },
    aws_sqs_queue: { old: { name: 'old' } },
  },
};

/** The head side: the same stack with known differences. */
const head = {
  '//': { metadata: { version: '0.21.0', stackName: 'app-dev', extra: 'ignored' } },
  provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Owner: 'platform-team' } }] }] },
  resource: {
    aws_s3_bucket: { images: { '//': { metadata: { path: 'app-dev/moved' } }, bucket: 'app-dev-images' } },
    aws_iam_role_policy: { reader: { name: 'reader', policy: policy('${aws_s3_bucket.images.arn}/uploads/*') } },
    aws_lambda_function: {
      parser: {
        function_name: 'parser',
        filename: 'assets/parser_code/FEDCBA9876543210FEDCBA9876543210/archive.zip',
        source_code_hash: 'xyz=',
        environment: { variables: { LEVEL: 'debug' } },
      },
    },
    aws_instance: { host: { instance_type: 't3.large', user_data: 'line 1\nline two\nline 3\n' } },
    aws_sns_topic: { alerts: { name: 'alerts' } },
  },
};

describe('diff of two synthesized stacks', () => {
  const diff = diffStack('app-dev', base as never, head as never);

  it('lists added and removed resources by address', () => {
    expect(diff.status).toBe('changed');
    expect(diff.added).toEqual(['aws_sns_topic.alerts']);
    expect(diff.removed).toEqual(['aws_sqs_queue.old']);
  });

  it('names the changed attribute paths, looking inside JSON strings', () => {
    expect(diff.changed.map((r) => [r.address, r.changes.map((c) => c.path)])).toEqual([
      ['aws_iam_role_policy.reader', ['policy → Statement[0].Resource']],
      ['aws_instance.host', ['user_data']],
      ['aws_lambda_function.parser', ['environment.variables.LEVEL']],
    ]);
    expect(diff.changed[0].changes[0]).toMatchObject({ before: '${aws_s3_bucket.images.arn}/*', after: '${aws_s3_bucket.images.arn}/uploads/*', kind: 'changed' });
  });

  it('ignores asset hashes, hashed asset paths and CDKTF metadata, and counts what it ignored', () => {
    expect(diff.changed.some((r) => r.address === 'aws_s3_bucket.images')).toBe(false);
    expect(JSON.stringify(diff)).not.toMatch(/source_code_hash|filename|metadata/);
    expect(diff.ignored).toBe(2);
    expect(normalizeVolatile('assets/parser_code/0123456789ABCDEF0123456789ABCDEF/archive.zip')).toBe('assets/parser_code/<hash>/archive.zip');
    // Digests that pin images are real changes, not volatile.
    expect(normalizeVolatile('repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')).toContain('0123456789abcdef');
  });

  it('reports stack-level settings (provider, outputs) separately', () => {
    expect(diff.settings.map((c) => c.path)).toEqual(['provider.aws[0].default_tags[0].tags.Owner']);
  });

  it('shows changed lines of multi-line text', () => {
    expect(changedLines('a\nb\nc', 'a\nB\nc\nd')).toEqual(['- b', '+ B', '+ d']);
  });

  it('renders Markdown: a summary table, then per stack added, removed, changed with the values in a details block', () => {
    const md = formatMarkdown([diff, diffStack('app-prod', base as never, base as never), diffStack('new-dev', undefined, head as never)], { base: '`HEAD` (abc1234)', head: 'working tree' });
    expect(md).toContain('## Synth diff: `HEAD` (abc1234) → working tree');
    expect(md).toContain('| `app-dev` | 1 | 1 | 3 | 1 |');
    expect(md).toContain('| `app-prod` (no changes) | 0 | 0 | 0 | 0 |');
    expect(md).toContain('| `new-dev` (new stack) | 5 | 0 | 0 | 0 |');
    expect(md).toContain('**Added (1)**\n\n- `aws_sns_topic.alerts`');
    expect(md).toContain('**Removed (1)**\n\n- `aws_sqs_queue.old`');
    expect(md).toContain('| `aws_iam_role_policy.reader` | `policy → Statement[0].Resource` |');
    expect(md).toContain('  policy → Statement[0].Resource\n-   "${aws_s3_bucket.images.arn}/*"\n+   "${aws_s3_bucket.images.arn}/uploads/*"');
    expect(md).toContain('  user_data (multi-line text)\n-   line 2\n+   line two');
    expect(md).not.toContain('### app-prod');
    expect(md).toContain('_2 volatile values (asset hashes, hashed asset paths) ignored._');
  });

  it('says so when nothing changed', () => {
    expect(formatMarkdown([diffStack('app-dev', base as never, base as never)], { base: 'a', head: 'b' })).toBe('## Synth diff: a → b\n\nNo changes in 1 stack (`app-dev`).\n');
  });

  it('compares whole synth output folders stack by stack', () => {
    const write = (out: string, stack: string, json: object) => {
      fs.mkdirSync(path.join(tmp, out, 'stacks', stack), { recursive: true });
      fs.writeFileSync(path.join(tmp, out, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json));
    };
    write('a', 'app-dev', base);
    write('b', 'app-dev', head);
    write('a', 'gone-dev', base);
    expect(diffOutdirs(path.join(tmp, 'a'), path.join(tmp, 'b')).map((d) => [d.stack, d.status])).toEqual([
      ['app-dev', 'changed'],
      ['gone-dev', 'removed'],
    ]);
  });
});

describe('npm run diff against HEAD (real synth of both sides)', () => {
  it('prints the change of a working-tree environment as Markdown, with --env only that environment', () => {
    const envDir = path.join(tmp, 'environments');
    fs.mkdirSync(envDir);
    for (const entry of fs.readdirSync(path.join(REPO, 'environments'))) {
      const from = path.join(REPO, 'environments', entry);
      if (fs.statSync(from).isDirectory()) fs.symlinkSync(from, path.join(envDir, entry));
      else fs.copyFileSync(from, path.join(envDir, entry));
    }
    const dev = fs.readFileSync(path.join(envDir, 'dev.ts'), 'utf8');
    expect(dev).toContain("CostCenter: 'platform-dev'");
    fs.writeFileSync(path.join(envDir, 'dev.ts'), dev.replace("CostCenter: 'platform-dev'", "CostCenter: 'platform-dev-review'"));
    const run = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/diff.ts', '--base', 'HEAD', '--env', 'dev'], {
      cwd: REPO,
      env: { ...process.env, CLASSIFYHUB_ENVIRONMENTS_DIR: envDir },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.stderr).toMatch(/export HEAD \([0-9a-f]{7}\)… synth base and working tree… /);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^## Synth diff: `HEAD` \([0-9a-f]{7}\) → working tree \(environments from .*\), environment dev\n/);
    // Only dev's five stacks were synthesized and compared; the CostCenter tag is on every one of them.
    expect(run.stderr).toMatch(/\n5 of 5 stacks changed/);
    expect(run.stdout).not.toMatch(/-(staging|prod)\b/);
    expect(run.stdout).toMatch(/### classifyhub-dev\n[\s\S]*\*\*Stack settings \(\d+\)\*\*[\s\S]*provider\.aws\[0\]\.default_tags\[0\]\.tags\.CostCenter\n-   "platform-dev"\n\+   "platform-dev-review"/);
    expect(run.stdout).not.toMatch(/source_code_hash|assets\/[^/]+\/[0-9A-F]{32}/);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.cdktf-tmp-env'))).toEqual([]);
  }, 240_000);

  it('refuses an --env without an environment file, naming the file and the environments', () => {
    const run = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/diff.ts', '--env', 'qa'], { cwd: REPO, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`--env: no environment file ${path.join(REPO, 'environments', 'qa.ts')} (environments: dev, prod, staging); received "qa"`);
    const traversal = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/diff.ts', '--env', '../environments/dev'], { cwd: REPO, encoding: 'utf8' });
    expect(traversal.status).toBe(2);
    expect(traversal.stderr).toContain('--env: an environment name is lower-case letters, digits and dashes; received "../environments/dev"');
  });
});
