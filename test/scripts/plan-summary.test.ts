/**
 * The Markdown plan summary and the sticky PR comment: counts, stateful replacements at the top, details,
 * and the 65,536-character limit with synthetic plans of thousands of changes. (Real offline plans of every
 * environment are summarized in test/terraform.test.ts, which plans them anyway.)
 */
import { digestPlan, failedStack, GITHUB_COMMENT_LIMIT, hasChanges, renderPlanSummary, type StackDigest } from '../../scripts/lib/plan-summary';
import { renderPrComment, STICKY_MARKER, truncateMarkdown } from '../../scripts/lib/pr-comment';
import { STATEFUL_RESOURCE_TYPES } from '../../scripts/lib/stateful';
import type { PlanJson, ResourceChange } from '../../scripts/lib/terraform';

function change(type: string, name: string, actions: string[], extra: Partial<ResourceChange> & { change?: Partial<ResourceChange['change']> } = {}): ResourceChange {
  return { address: `${type}.${name}`, mode: 'managed', type, ...extra, change: { actions, before: null, after: {}, ...extra.change } };
}

const SMALL_PLAN: PlanJson = {
  format_version: '1.2',
  resource_changes: [
    change('aws_db_instance', 'database_primary', ['delete', 'create'], {
      action_reason: 'replace_because_cannot_update',
      change: { actions: ['delete', 'create'], replace_paths: [['engine_version'], ['availability_zone']] },
    }),
    change('aws_instance', 'docker_host_instance', ['create', 'delete'], { change: { actions: ['create', 'delete'], replace_paths: [['ami']] } }),
    change('aws_ecs_service', 'backend_service', ['update'], {
      change: { actions: ['update'], before: { task_definition: 'a:1', desired_count: 2, name: 'x' }, after: { task_definition: 'a:2', desired_count: 2, name: 'x' } },
    }),
    change('aws_sqs_queue', 'jobs_queue', ['delete'], { action_reason: 'delete_because_no_resource_config' }),
    change('aws_s3_bucket', 'assets_bucket', ['no-op']),
    change('aws_vpc', 'network_vpc', ['create']),
    { address: 'data.aws_ami.x', mode: 'data', type: 'aws_ami', change: { actions: ['read'] } },
  ],
  resource_drift: [change('aws_security_group', 'alb_security_group', ['update'], { change: { actions: ['update'], before: { tags: {} }, after: { tags: { a: 'b' } } } })],
};

describe('digestPlan', () => {
  test('keeps managed changes with actions, reasons and attribute names, but no values', () => {
    const digest = digestPlan('classifyhub-dev', SMALL_PLAN);
    expect(digest.unchanged).toBe(1);
    expect(digest.changes).toEqual([
      { address: 'aws_db_instance.database_primary', type: 'aws_db_instance', action: 'replace', reason: 'replace_because_cannot_update', attributes: ['availability_zone', 'engine_version'] },
      { address: 'aws_instance.docker_host_instance', type: 'aws_instance', action: 'replace', attributes: ['ami'] },
      { address: 'aws_ecs_service.backend_service', type: 'aws_ecs_service', action: 'update', attributes: ['task_definition'] },
      { address: 'aws_sqs_queue.jobs_queue', type: 'aws_sqs_queue', action: 'delete', reason: 'delete_because_no_resource_config' },
      { address: 'aws_vpc.network_vpc', type: 'aws_vpc', action: 'create' },
    ]);
    expect(digest.drift).toEqual([{ address: 'aws_security_group.alb_security_group', type: 'aws_security_group', action: 'update', attributes: ['tags'] }]);
    expect(JSON.stringify(digest)).not.toContain('a:2');
  });
});

describe('renderPlanSummary', () => {
  const md = renderPlanSummary([digestPlan('classifyhub-dev', SMALL_PLAN), failedStack('onboarding-dev', 'Error: Invalid reference\n  on cdk.tf.json line 3')], { title: 'Terraform plan: dev' });

  test('totals, then stateful replacements and destroys at the top, before the stack table', () => {
    expect(md).toMatch(/^## Terraform plan: dev\n\n\*\*1 to add, 1 to change, 2 to replace, 1 to destroy\*\* \(2 stacks, 1 unchanged, 1 changed outside Terraform, \*\*1 failed\*\*\)/);
    const caution = md.indexOf('[!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(md.indexOf('| stack | add |'));
    expect(md).toContain('**2 stateful resources would be replaced or destroyed.**');
    expect(md).toContain(`| classifyhub-dev | \`aws_db_instance.database_primary\` | replace (forced by availability_zone, engine_version) | ${STATEFUL_RESOURCE_TYPES.aws_db_instance} |`);
    expect(md).toContain('| classifyhub-dev | `aws_sqs_queue.jobs_queue` | destroy |');
    // The Docker host instance is replaced too, but it holds no data (its volume is separate).
    expect(md.slice(caution, md.indexOf('| stack | add |'))).not.toContain('docker_host_instance');
  });

  test('a table row per stack, a failed stack with its error, details in collapsible sections', () => {
    expect(md).toContain('| classifyhub-dev | 1 | 1 | 2 | 1 | 1 | 1 |');
    expect(md).toContain('| onboarding-dev | ❌ plan failed |');
    expect(md).toMatch(/<details><summary>❌ <b>onboarding-dev<\/b>: plan failed<\/summary>\n\n```text\nError: Invalid reference/);
    expect(md).toContain('<details><summary><b>classifyhub-dev</b>: 1 to add, 1 to change, 2 to replace, 1 to destroy; 1 changed outside Terraform</summary>');
    const diff = md.slice(md.indexOf('```diff'), md.indexOf('```', md.indexOf('```diff') + 3));
    expect(diff.split('\n').slice(1, -1)).toEqual([
      '-/+ aws_db_instance.database_primary  (forces replacement: availability_zone, engine_version; STATEFUL)',
      '-/+ aws_instance.docker_host_instance  (forces replacement: ami)',
      '-   aws_sqs_queue.jobs_queue  (removed from the configuration; STATEFUL)',
      '~   aws_ecs_service.backend_service  (task_definition)',
      '+   aws_vpc.network_vpc',
      '!   aws_security_group.alb_security_group  (changed outside Terraform: tags)',
    ]);
    expect(md).not.toContain('Shortened');
  });

  test('no changes anywhere says so', () => {
    const none = renderPlanSummary([digestPlan('classifyhub-prod', { format_version: '1.2', resource_changes: [change('aws_vpc', 'v', ['no-op'])] })]);
    expect(none).toContain('**no changes** (1 stack, 1 unchanged)');
    expect(none).not.toContain('<details>');
    expect(hasChanges([digestPlan('x', { format_version: '1.2' })])).toBe(false);
    expect(hasChanges([digestPlan('x', SMALL_PLAN)])).toBe(true);
  });
});

/** A plan of `n` changes over a few stacks, every fifth a replacement of a stateful resource. */
function hugeStacks(stacks: number, perStack: number): StackDigest[] {
  const types = Object.keys(STATEFUL_RESOURCE_TYPES);
  return Array.from({ length: stacks }, (_, s) => {
    const changes: ResourceChange[] = Array.from({ length: perStack }, (_, i) =>
      i % 5 === 0
        ? change(types[i % types.length], `very_long_construct_path_of_a_regional_copy_number_${i}_in_stack_${s}`, ['delete', 'create'], {
            change: { actions: ['delete', 'create'], replace_paths: [['name'], ['kms_key_id'], ['engine_version']] },
          })
        : change('aws_cloudwatch_metric_alarm', `alarm_${i}_with_a_rather_long_name_for_the_eu_west_1_copy_of_the_system`, i % 2 ? ['update'] : ['create'], {
            change: { actions: i % 2 ? ['update'] : ['create'], before: { threshold: 1, period: 60 }, after: { threshold: 2, period: 300 } },
          }),
    );
    return digestPlan(`system${s}-prod`, { format_version: '1.2', resource_changes: changes });
  });
}

describe('the 65,536-character limit', () => {
  test('a synthetic plan of 12,000 changes stays under the limit and says what was cut', () => {
    const stacks = hugeStacks(3, 4000);
    const md = renderPlanSummary(stacks, { title: 'Terraform plan: prod' });
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2_000); // it uses the room it has
    // Counts stay complete; the cut is explained overall and in each section.
    expect(md).toContain('**4800 to add, 4800 to change, 2400 to replace** (3 stacks, 0 unchanged)');
    expect(md).toMatch(/✂️ \*\*Shortened\*\* to stay under GitHub's 65,536-character comment limit: \d+ of 12000 resource lines left out \(system0-prod, system1-prod, system2-prod\)/);
    expect(md.match(/✂️ \d+ of 4000 resource lines cut here \(/g)).toHaveLength(3);
    // Stateful replacements are listed at the top (capped) and replacements come first in each section.
    expect(md).toContain('**2400 stateful resources would be replaced or destroyed.**');
    expect(md).toContain('| … | 2340 more, see the stacks below | | |');
    expect(md.split('```diff\n')[1].startsWith('-/+ ')).toBe(true);
    // Every fence and <details> is closed.
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });

  test('one huge stack next to small ones: the small ones stay complete', () => {
    const [huge] = hugeStacks(1, 6000);
    const small = digestPlan('classifyhub-dev', SMALL_PLAN);
    const md = renderPlanSummary([huge, small]);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('+   aws_vpc.network_vpc');
    expect(md).toMatch(/resource lines left out \(system0-prod\)/);
  });

  test('a smaller budget is honoured (the PR comment shares the limit with other sections)', () => {
    const md = renderPlanSummary(hugeStacks(2, 3000), { maxChars: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain('Shortened');
  });

  test('the PR comment: marker first, promotion warnings, plan and a huge synth diff fit together', () => {
    const synthDiff = ['```diff', ...Array.from({ length: 5000 }, (_, i) => `+ "resource_${i}": { "some": "attribute value that is long enough" }`), '```'].join('\n');
    const body = renderPrComment({ stacks: hugeStacks(3, 3000), promotion: '- ⚠️ `aws_db_instance.database_primary` would be replaced', synthDiff, runUrl: 'https://github.com/o/r/actions/runs/1', sha: 'abcdef0123456789' });
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body.startsWith(`${STICKY_MARKER}\n## Infrastructure changes at abcdef0`)).toBe(true);
    expect(body.indexOf('### Promotion check')).toBeLessThan(body.indexOf('### Plan'));
    expect(body).toContain('would be replaced');
    expect(body).toMatch(/✂️ The synth diff cut to \d+ of 5002 lines .* the whole of it is in the \[workflow run\]\(https:\/\/github.com\/o\/r\/actions\/runs\/1\)/);
    expect((body.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  test('missing sections are marked as not available; no stacks means nothing to plan', () => {
    const body = renderPrComment({ stacks: [] });
    expect(body).toContain('### Promotion check\n\n_not available');
    expect(body).toContain('_No environment is touched by this change: nothing to plan._');
  });

  test('truncateMarkdown closes an open fence and <details>', () => {
    const text = ['<details><summary>x</summary>', '', '```', ...Array.from({ length: 200 }, (_, i) => `line ${i}`), '```', '</details>'].join('\n');
    const cut = truncateMarkdown(text, 600, 'The thing');
    expect(cut.length).toBeLessThanOrEqual(600);
    expect((cut.match(/^```/gm) ?? []).length).toBe(2);
    expect(cut).toContain('</details>');
    expect(cut).toMatch(/✂️ The thing cut to \d+ of 205 lines/);
  });
});
