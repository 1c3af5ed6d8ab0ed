/**
 * `npm run promote`: the expression evaluator, the simulated state, the
 * change classification and safety decision, the environment-file edit, and
 * two real runs of Terraform:
 * - a fixture stack whose promotion changes a ForceNew attribute (an SQS
 *   queue's name), so Terraform must say "replace" and the check must refuse it;
 * - a real ClassifyHub promotion of a copy of dev through the CLI, 07 → 08,
 *   whose answer is known: 12 additions, the Docker host and its role policy
 *   changed in place, nothing replaced or destroyed. (07 → 08 rather than the
 *   larger 11 → 12: it exercises the same code for a third of the CPU, because
 *   every WAF web ACL costs about 9 CPU-seconds to plan and 11 → 12 plans four.
 *   What 11 → 12 keeps is checked on the synthesized JSON in
 *   test/systems/classifyhub/ha-stages.test.ts, and its promote output is in
 *   docs/classifyhub.md.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateTemplate, UnsupportedExpression, type Value } from '../../scripts/lib/promote/expr';
import {
  ctyTypeOf,
  foldPlanIntoState,
  placeholder,
  simulateState,
  type FullPlanJson,
  type ResourceSchema,
  type TerraformJsonConfig,
} from '../../scripts/lib/promote/state';
import { classifyChanges, formatPromotion, formatRefusals, refusals, simulatePromotion, type StackPromotion } from '../../scripts/lib/promote';
import { findStage, lineDiff, PromotionRefused, replaceStage, targetStage, writeFileAtomic } from '../../scripts/lib/promote/environment-file';
import { findProviderMirror, writeCliConfig } from '../../scripts/lib/terraform';

const REPO = path.resolve(__dirname, '..', '..');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('expression evaluator', () => {
  const resources: Record<string, Value> = {
    'aws_eip.ip': { public_ip: '203.0.113.7', id: 'eipalloc-1' },
    'aws_acm_certificate.cert': { domain_validation_options: [{ resource_record_name: '_x.example.com', resource_record_type: 'CNAME' }] },
    'aws_ses_domain_dkim.dkim': { dkim_tokens: ['t0'] },
    'aws_subnet.a': { id: 'subnet-a' },
  };
  const resolve = (type: string, name: string): Value => {
    const found = resources[`${type}.${name}`];
    if (found === undefined) throw new UnsupportedExpression(`${type}.${name} unknown`);
    return found;
  };

  it('interpolates references into templates and keeps the type of a lone interpolation', () => {
    expect(evaluateTemplate('${aws_eip.ip.public_ip}/32', resolve)).toBe('203.0.113.7/32');
    expect(evaluateTemplate('${aws_acm_certificate.cert.domain_validation_options}', resolve)).toEqual([{ resource_record_name: '_x.example.com', resource_record_type: 'CNAME' }]);
  });

  it('supports the traversals and functions CDKTF writes', () => {
    expect(evaluateTemplate('${tolist(aws_acm_certificate.cert.domain_validation_options).0.resource_record_name}', resolve)).toBe('_x.example.com');
    expect(evaluateTemplate('${element(aws_ses_domain_dkim.dkim.dkim_tokens, 2)}._domainkey.example.com', resolve)).toBe('t0._domainkey.example.com');
    expect(evaluateTemplate('${join(",", [aws_subnet.a.id, "subnet-b"])}', resolve)).toBe('subnet-a,subnet-b');
    expect(evaluateTemplate('$${literal} ${aws_subnet.a["id"]}', resolve)).toBe('${literal} subnet-a');
  });

  it('refuses what it cannot evaluate instead of guessing', () => {
    expect(() => evaluateTemplate('${uuid()}', resolve)).toThrow('function uuid() is not supported');
    expect(() => evaluateTemplate('${var.x}', resolve)).toThrow('references to var.* are not supported');
    expect(() => evaluateTemplate('${aws_eip.ip.public_ip == "x" ? 1 : 2}', resolve)).toThrow(UnsupportedExpression);
    expect(() => evaluateTemplate('${aws_vpc.missing.id}', resolve)).toThrow('aws_vpc.missing unknown');
  });
});

/** A hand-written plan of three resources, as `terraform show -json` writes it. */
function fixturePlan(): { plan: FullPlanJson; config: TerraformJsonConfig; schemas: Record<string, ResourceSchema> } {
  const schemas: Record<string, ResourceSchema> = {
    aws_eip: { version: 0, block: { attributes: { id: { type: 'string', computed: true }, public_ip: { type: 'string', computed: true }, domain: { type: 'string', optional: true } } } },
    aws_route53_record: {
      version: 2,
      block: {
        attributes: { id: { type: 'string', computed: true }, name: { type: 'string', required: true }, records: { type: ['set', 'string'], optional: true }, ttl: { type: 'number', optional: true } },
        block_types: { alias: { nesting_mode: 'list', block: { attributes: { name: { type: 'string', required: true } } } } },
      },
    },
    aws_acm_certificate: {
      version: 0,
      block: {
        attributes: {
          arn: { type: 'string', computed: true },
          id: { type: 'string', computed: true },
          domain_name: { type: 'string', optional: true },
          private_key: { type: 'string', optional: true, sensitive: true },
          domain_validation_options: {
            type: ['set', ['object', { domain_name: 'string', resource_record_name: 'string', resource_record_type: 'string', resource_record_value: 'string' }]],
            computed: true,
          },
        },
        block_types: { options: { nesting_mode: 'list', block: { attributes: { transparency: { type: 'string', optional: true } } } } },
      },
    },
    aws_secretsmanager_secret_version: { version: 0, block: { attributes: { id: { type: 'string', computed: true }, secret_string: { type: 'string', optional: true, sensitive: true } } } },
  };
  const config: TerraformJsonConfig = {
    provider: { aws: [{ region: 'eu-west-1' }, { alias: 'us_east_1', region: 'us-east-1' }] },
    resource: {
      aws_eip: { ip: { domain: 'vpc' } },
      aws_route53_record: { app: { name: 'app.example.com', records: ['${aws_eip.ip.public_ip}'], ttl: 300 } },
      aws_acm_certificate: { cert: { domain_name: 'cdn.example.com', provider: 'aws.us_east_1' } },
      aws_secretsmanager_secret_version: { token: { secret_string: '${uuid()}' } },
    },
    output: {
      ip: { value: '${aws_eip.ip.public_ip}' },
      names: { value: { app: '${aws_route53_record.app.name}', cdn: 'cert for ${aws_acm_certificate.cert.domain_name}' } },
      ports: { value: [80, 443] },
      token: { value: '${aws_secretsmanager_secret_version.token.secret_string}', sensitive: true },
      run_id: { value: '${uuid()}' },
    },
  };
  const plan: FullPlanJson = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: {
      root_module: {
        resources: [
          { address: 'aws_eip.ip', mode: 'managed', type: 'aws_eip', name: 'ip', provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0, values: { domain: 'vpc' } },
          { address: 'aws_route53_record.app', mode: 'managed', type: 'aws_route53_record', name: 'app', provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 2, values: { name: 'app.example.com', ttl: 300, alias: [] } },
          {
            address: 'aws_acm_certificate.cert',
            mode: 'managed',
            type: 'aws_acm_certificate',
            name: 'cert',
            provider_name: 'registry.terraform.io/hashicorp/aws',
            schema_version: 0,
            values: { domain_name: 'cdn.example.com', private_key: null, domain_validation_options: [{ domain_name: 'cdn.example.com' }] },
          },
          { address: 'aws_secretsmanager_secret_version.token', mode: 'managed', type: 'aws_secretsmanager_secret_version', name: 'token', provider_name: 'registry.terraform.io/hashicorp/aws', values: {} },
        ],
      },
    },
    resource_changes: [
      { address: 'aws_eip.ip', mode: 'managed', type: 'aws_eip', name: 'ip', provider_name: 'x', change: { actions: ['create'], before: null, after: {}, after_unknown: { id: true, public_ip: true } } },
      { address: 'aws_route53_record.app', mode: 'managed', type: 'aws_route53_record', name: 'app', provider_name: 'x', change: { actions: ['create'], before: null, after: {}, after_unknown: { id: true, records: true, alias: [] } } },
      {
        address: 'aws_acm_certificate.cert',
        mode: 'managed',
        type: 'aws_acm_certificate',
        name: 'cert',
        provider_name: 'x',
        change: { actions: ['create'], before: null, after: {}, after_unknown: { arn: true, id: true, options: true, domain_validation_options: [{ resource_record_name: true, resource_record_type: true, resource_record_value: true }] } },
      },
      { address: 'aws_secretsmanager_secret_version.token', mode: 'managed', type: 'aws_secretsmanager_secret_version', name: 'token', provider_name: 'x', change: { actions: ['create'], before: null, after: {}, after_unknown: { id: true, secret_string: true } } },
    ],
    configuration: {
      root_module: {
        resources: [
          { address: 'aws_eip.ip', mode: 'managed', type: 'aws_eip', name: 'ip', provider_config_key: 'aws' },
          { address: 'aws_route53_record.app', mode: 'managed', type: 'aws_route53_record', name: 'app', provider_config_key: 'aws' },
          { address: 'aws_acm_certificate.cert', mode: 'managed', type: 'aws_acm_certificate', name: 'cert', provider_config_key: 'aws.us_east_1' },
          { address: 'aws_secretsmanager_secret_version.token', mode: 'managed', type: 'aws_secretsmanager_secret_version', name: 'token', provider_config_key: 'aws' },
        ],
      },
    },
  };
  return { plan, config, schemas };
}

describe('simulated state', () => {
  const { plan, config, schemas } = fixturePlan();
  const { state, unresolved } = simulateState(plan, config, schemas, 'fixture');
  const attributes = (type: string) => state.resources.find((r) => r.type === type)!.instances[0].attributes as Record<string, any>;

  it('is a version 4 state with one entry per planned resource, schema versions and provider aliases from the plan', () => {
    expect(state.version).toBe(4);
    expect(state.terraform_version).toBe('1.11.4');
    expect(state.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['aws_acm_certificate.cert', 'aws_eip.ip', 'aws_route53_record.app', 'aws_secretsmanager_secret_version.token']);
    expect(state.resources.find((r) => r.type === 'aws_route53_record')!.instances[0].schema_version).toBe(2);
    expect(state.resources.find((r) => r.type === 'aws_acm_certificate')!.provider).toBe('provider["registry.terraform.io/hashicorp/aws"].us_east_1');
    expect(state.resources.find((r) => r.type === 'aws_eip')!.provider).toBe('provider["registry.terraform.io/hashicorp/aws"]');
  });

  it('resolves a configured reference to the simulated value of the referenced resource', () => {
    const ip = attributes('aws_eip').public_ip;
    expect(ip).toMatch(/^203\.0\.113\.\d+$/);
    expect(attributes('aws_route53_record').records).toEqual([ip]);
  });

  it('fills computed values by type and name: ARNs in the provider region, prefixed unique ids, one set element with known parts kept', () => {
    const cert = attributes('aws_acm_certificate');
    expect(cert.arn).toMatch(/^arn:aws:acm:us-east-1:123456789012:acm_certificate\/sim-[0-9a-f]+$/);
    expect(attributes('aws_eip').id).toMatch(/^eipalloc-[0-9a-f]{17}$/);
    expect(cert.domain_validation_options).toEqual([expect.objectContaining({ domain_name: 'cdn.example.com', resource_record_type: 'CNAME' })]);
    expect(cert.options).toEqual([]);
    const ids = state.resources.map((r) => (r.instances[0].attributes as Record<string, unknown>).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds the root outputs evaluated from the simulated resources, with their types and sensitivity; leaves out what it cannot evaluate', () => {
    const ip = attributes('aws_eip').public_ip;
    expect(state.outputs).toEqual({
      ip: { value: ip, type: 'string' },
      names: { value: { app: 'app.example.com', cdn: 'cert for cdn.example.com' }, type: ['object', { app: 'string', cdn: 'string' }] },
      ports: { value: [80, 443], type: ['tuple', ['number', 'number']] },
      token: { value: attributes('aws_secretsmanager_secret_version').secret_string, type: 'string', sensitive: true },
    });
    expect(ctyTypeOf({ on: true, tags: ['a', null] })).toBeUndefined();
    expect(ctyTypeOf({ on: true, n: 1 })).toEqual(['object', { n: 'number', on: 'bool' }]);
  });

  it('marks schema-sensitive attributes, and reports what it could not evaluate', () => {
    expect(state.resources.find((r) => r.type === 'aws_acm_certificate')!.instances[0].sensitive_attributes).toEqual([[{ type: 'get_attr', value: 'private_key' }]]);
    expect(unresolved).toEqual(['aws_secretsmanager_secret_version.token: secret_string (function uuid() is not supported)']);
    expect(attributes('aws_secretsmanager_secret_version').secret_string).toMatch(/^sim-/);
  });

  it('folds a plan of the same configuration back into the state: known values from Terraform, unknown ones kept', () => {
    const check: FullPlanJson = {
      ...plan,
      resource_changes: [
        {
          address: 'aws_route53_record.app',
          mode: 'managed',
          type: 'aws_route53_record',
          name: 'app',
          provider_name: 'x',
          change: { actions: ['update'], before: {}, after: { name: 'app.example.com', ttl: 60, records: ['198.51.100.1'], alias: [] }, after_unknown: { id: true } },
        },
        { address: 'aws_eip.ip', mode: 'managed', type: 'aws_eip', name: 'ip', provider_name: 'x', change: { actions: ['no-op'], before: {}, after: {}, after_unknown: {} } },
      ],
    };
    const folded = foldPlanIntoState(state, check);
    expect(folded.changed).toEqual(['aws_route53_record.app']);
    expect(folded.state.serial).toBe(state.serial + 1);
    const record = folded.state.resources.find((r) => r.type === 'aws_route53_record')!.instances[0].attributes as Record<string, unknown>;
    expect(record).toMatchObject({ ttl: 60, records: ['198.51.100.1'], id: attributes('aws_route53_record').id });
  });

  it('placeholders fit validators: record types, ports, IPv6, zone ids', () => {
    const ctx = { address: 'aws_x.y', type: 'aws_x', region: 'eu-west-1' };
    expect(placeholder('string', ['domain_validation_options', '0', 'resource_record_type'], ctx)).toBe('CNAME');
    expect(placeholder('number', ['port'], ctx)).toBe(443);
    expect(placeholder('string', ['ipv6_cidr_block_association_id'], ctx)).toMatch(/^sim-/);
    expect(placeholder('string', ['hosted_zone_id'], ctx)).toMatch(/^Z[0-9A-F]{13}$/);
    expect(placeholder(['map', 'string'], ['tags_all'], ctx)).toEqual({});
  });
});

describe('changes and the safety decision', () => {
  const plan: FullPlanJson = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: [
      { address: 'aws_sns_topic.t', mode: 'managed', type: 'aws_sns_topic', name: 't', provider_name: 'x', change: { actions: ['create'], before: null, after: {} } },
      { address: 'aws_route53_record.app', mode: 'managed', type: 'aws_route53_record', name: 'app', provider_name: 'x', change: { actions: ['delete', 'create'], before: {}, after: {}, replace_paths: [['set_identifier']] } },
      {
        address: 'aws_db_instance.db',
        mode: 'managed',
        type: 'aws_db_instance',
        name: 'db',
        provider_name: 'x',
        change: { actions: ['create', 'delete'], before: {}, after: {}, replace_paths: [['engine'], ['storage_encrypted']] },
      },
      { address: 'aws_ebs_volume.data', mode: 'managed', type: 'aws_ebs_volume', name: 'data', provider_name: 'x', change: { actions: ['delete'], before: {}, after: null } },
      {
        address: 'aws_instance.host',
        mode: 'managed',
        type: 'aws_instance',
        name: 'host',
        provider_name: 'x',
        change: { actions: ['update'], before: { user_data: 'a', tags: null, ami: 'x' }, after: { user_data: 'b', tags: {}, ami: 'x' }, after_unknown: { public_ip: true } },
      },
      { address: 'aws_vpc.v', mode: 'managed', type: 'aws_vpc', name: 'v', provider_name: 'x', change: { actions: ['no-op'], before: {}, after: {} } },
    ],
  };
  const changes = classifyChanges(plan);

  it('sorts replace, destroy, change, add with stateful resources first, and names what forces a replacement', () => {
    expect(changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'replace aws_db_instance.db',
      'replace aws_route53_record.app',
      'delete aws_ebs_volume.data',
      'update aws_instance.host',
      'create aws_sns_topic.t',
    ]);
    expect(changes[0]).toMatchObject({ stateful: expect.stringContaining('database'), attributes: ['engine', 'storage_encrypted'] });
    expect(changes[1].stateful).toBeUndefined();
    // null → {} is no change; an attribute that becomes unknown is.
    expect(changes[3].attributes).toEqual(['public_ip', 'user_data']);
  });

  it('refuses stateful replacements and destructions unless a named flag allows each one', () => {
    const promotion: StackPromotion = { stack: 'classifyhub-dev', method: 'simulated', changes, uncertain: [], unresolved: [], seconds: 1, simulatedResources: 5, rounds: 1 };
    expect(refusals([promotion], { replace: [], destroy: [], all: false }).map((r) => r.flag)).toEqual(['--allow-replace=aws_db_instance.db', '--allow-destroy=aws_ebs_volume.data']);
    expect(refusals([promotion], { replace: ['aws_db_instance.db'], destroy: [], all: false }).map((r) => r.flag)).toEqual(['--allow-destroy=aws_ebs_volume.data']);
    // Allowing a replacement does not allow destroying the same address.
    expect(refusals([promotion], { replace: ['aws_ebs_volume.data', 'aws_db_instance.db'], destroy: [], all: false })).toHaveLength(1);
    expect(refusals([promotion], { replace: [], destroy: [], all: true })).toEqual([]);
    const text = formatPromotion(promotion);
    expect(text).toContain('-/+ aws_db_instance.db  [STATEFUL: database instance and its data (unless a final snapshot is taken)]  forced by: engine, storage_encrypted');
    expect(text).toContain('  - aws_ebs_volume.data  [STATEFUL: volume and its data]');
    expect(text.split('\n')[0]).toBe('classifyhub-dev: 1 to add, 1 to change, 2 to replace, 1 to destroy (2 stateful replaced or destroyed)');
  });
});

describe('stage steps and the environment file edit', () => {
  it('moves one stage up and refuses skips, demotions, no-ops and the top of the ladder', () => {
    expect(targetStage('11-rate-limiting').slug).toBe('12-high-availability');
    expect(targetStage('11-rate-limiting', '12').slug).toBe('12-high-availability');
    expect(targetStage('11-rate-limiting', '12-high-availability').slug).toBe('12-high-availability');
    expect(() => targetStage('11-rate-limiting', '13-observability')).toThrow(new PromotionRefused('refusing to skip 1 stage: 11-rate-limiting → 13-observability; promote to 12-high-availability first (one stage at a time, each one deployed and checked)'));
    expect(() => targetStage('11-rate-limiting', '10-read-replicas')).toThrow(/^refusing to demote from 11-rate-limiting to 10-read-replicas/);
    expect(() => targetStage('11-rate-limiting', '11-rate-limiting')).toThrow('already at 11-rate-limiting');
    expect(() => targetStage('14-multi-region')).toThrow('already at the last stage 14-multi-region');
    expect(() => targetStage('01-monolith', '99-nope')).toThrow('--to: unknown stage "99-nope"');
  });

  const text = [
    "export default {",
    "  name: 'dev',",
    "  classifyhub: {",
    "    stage: '11-rate-limiting',",
    "    instanceType: 't3.large',",
    "  },",
    "} satisfies EnvironmentInput;",
    "",
  ].join('\n');

  it('changes only the stage value and shows the edit as a diff', () => {
    const edit = replaceStage(text, '11-rate-limiting', '12-high-availability', 'environments/dev.ts');
    expect(edit.line).toBe(4);
    expect(edit.text).toBe(text.replace("stage: '11-rate-limiting'", "stage: '12-high-availability'"));
    expect(lineDiff('environments/dev.ts', text, edit.text)).toBe(
      [
        '--- a/environments/dev.ts',
        '+++ b/environments/dev.ts',
        '@@ -2,5 +2,5 @@',
        "   name: 'dev',",
        '   classifyhub: {',
        "-    stage: '11-rate-limiting',",
        "+    stage: '12-high-availability',",
        "     instanceType: 't3.large',",
        '   },',
      ].join('\n'),
    );
  });

  it('picks the classifyhub stage when another block has the same literal, and names the file when there is none', () => {
    const two = text.replace("  name: 'dev',", "  name: 'dev',\n  other: { stage: '11-rate-limiting' },");
    expect(findStage(two, '11-rate-limiting', 'f.ts').line).toBe(5);
    expect(() => findStage(text, '05-search', 'environments/dev.ts')).toThrow("environments/dev.ts: cannot find the literal `stage: '05-search'` of classifyhub to edit (found 0); set classifyhub.stage by hand");
  });

  it('writes atomically and leaves no temp file', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'atomic-'));
    const file = path.join(dir, 'dev.ts');
    fs.writeFileSync(file, 'old');
    writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['dev.ts']);
  });
});

const TERRAFORM_TIMEOUT = 300_000;

describe('replacement detection with Terraform (fixture stack)', () => {
  /** A stack shaped like CDKTF output: a queue, its policy and a DNS record. */
  const stack = (queueName: string, ttl: number, extra: Record<string, unknown> = {}) => ({
    terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } }, backend: { local: { path: 'ignored.tfstate' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_sqs_queue: { jobs: { name: queueName } },
      aws_sqs_queue_policy: {
        jobs: {
          queue_url: '${aws_sqs_queue.jobs.url}',
          policy: '{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"${aws_sqs_queue.jobs.arn}","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}',
        },
      },
      aws_route53_record: { app: { zone_id: 'Z0FIXTURE0000001', name: 'app.example.com', type: 'A', ttl, records: ['198.51.100.10'] } },
      ...extra,
    },
    output: {
      queue_url: { value: '${aws_sqs_queue.jobs.url}' },
      endpoints: { value: { queue: '${aws_sqs_queue.jobs.arn}', record: 'https://${aws_route53_record.app.fqdn}/' } },
      queue_name: { value: '${aws_sqs_queue.jobs.name}', sensitive: true },
    },
  });
  let promotion: StackPromotion;

  beforeAll(async () => {
    const write = (dir: string, config: object) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
      return dir;
    };
    const current = write(path.join(tmp, 'fixture', 'current', 'stacks', 'fixture-dev'), stack('fixture-jobs', 300));
    const target = write(path.join(tmp, 'fixture', 'target', 'stacks', 'fixture-dev'), stack('fixture-jobs-v2', 60, { aws_sns_topic: { alerts: { name: 'fixture-alerts' } } }));
    const cliConfig = writeCliConfig(path.join(tmp, 'fixture'), findProviderMirror() ?? null);
    promotion = await simulatePromotion(current, target, { cliConfig });
  }, TERRAFORM_TIMEOUT);

  it('settles the simulated state in one round (the current stage plans with no change at all against it, outputs included)', () => {
    expect(promotion).toMatchObject({ method: 'simulated', rounds: 1, checkExact: true, uncertain: [], unresolved: [], simulatedResources: 3 });
  });

  it('reports what Terraform says: the renamed queue must be replaced, its policy follows, the record changes, the topic is new', () => {
    expect(promotion.changes.map((c) => `${c.action} ${c.address} ${c.attributes.join(',')}`)).toEqual([
      'replace aws_sqs_queue.jobs name',
      'replace aws_sqs_queue_policy.jobs queue_url',
      'update aws_route53_record.app ttl',
      'create aws_sns_topic.alerts ',
    ]);
    expect(promotion.changes[0].stateful).toBe('queue and the messages in it');
  });

  it('refuses the stateful replacement unless --allow-replace names it', () => {
    const refused = refusals([promotion], { replace: [], destroy: [], all: false });
    expect(formatRefusals(refused, 'environments/dev.ts').split('\n')).toEqual([
      'refused: the promotion would replace or destroy 1 stateful resource (their data would be lost):',
      '  -/+ aws_sqs_queue.jobs (fixture-dev: queue and the messages in it)  allow with --allow-replace=aws_sqs_queue.jobs',
      'environments/dev.ts was not changed. Back up the data first, then repeat with the flags above (or --allow-data-loss for all of them).',
    ]);
    expect(refusals([promotion], { replace: ['aws_sqs_queue.jobs'], destroy: [], all: false })).toEqual([]);
  });
});

describe('npm run promote on a copy of dev (07 → 08, real Terraform)', () => {
  let envDir: string;
  let before: string;
  let run: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    envDir = path.join(tmp, 'environments');
    fs.mkdirSync(envDir);
    fs.symlinkSync(path.join(REPO, 'environments', 'lib'), path.join(envDir, 'lib'));
    const dev = fs.readFileSync(path.join(REPO, 'environments', 'dev.ts'), 'utf8');
    // dev at stage 07 with the Docker host kept, running ClassifyHub and onboarding only: promote synthesizes every
    // system of the environment at both stages, and one unchanged system shows the "same configuration" path.
    before = dev
      .replace(/stage: '[0-9]{2}-[a-z-]+'/, "stage: '07-api-gateway'")
      .replace(/decommissionDockerHost: true/, 'decommissionDockerHost: false')
      .replace(/systems: \[[^\]]*\]/, "systems: ['classifyhub', 'onboarding']")
      // Each section is a top-level key of the object, closed by the first `  },` at its own indentation.
      .replace(/^ {2}(ingestion|recall|webhooks): \{\n[\s\S]*?^ {2}\},\n/gm, '');
    expect(before).toContain("stage: '07-api-gateway'");
    expect(before).toContain("systems: ['classifyhub', 'onboarding']");
    expect(before).not.toMatch(/^ {2}(ingestion|recall|webhooks):/m);
    expect(before).toMatch(/^ {2}onboarding: \{$/m);
    fs.writeFileSync(path.join(envDir, 'dev.ts'), before);
    run = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/promote.ts', 'dev'], {
      cwd: REPO,
      env: { ...process.env, CLASSIFYHUB_ENVIRONMENTS_DIR: envDir, CLASSIFYHUB_OFFLINE: '1' },
      encoding: 'utf8',
      timeout: TERRAFORM_TIMEOUT,
    });
  }, TERRAFORM_TIMEOUT);

  it('plans 08 against the simulated 07: the notification queues and e-mail domain added, the host changed in place, nothing replaced or destroyed', () => {
    const out = String(run.stdout);
    expect(run.status).toBe(0);
    expect(out).toContain('promote dev: 07-api-gateway → 08-async-notifications');
    expect(out).toMatch(/classifyhub-dev: 12 to add, 2 to change\n {2}\(planned against a state simulated from the current stage \(43 resources, 1 round\)\)/);
    // The host learns the queue (user data) and may send to it (role policy): updates in place.
    expect(out).toContain('~ aws_iam_role_policy.docker_host_role_policy  policy');
    expect(out).toContain('~ aws_instance.docker_host_instance  public_dns, public_ip, user_data_base64');
    expect(out).toContain('+ aws_sqs_queue.notification_queue_queue  [stateful]');
    expect(out).toContain('+ aws_ses_domain_identity.email_domain_identity');
    expect(out).toMatch(/^onboarding-dev: no changes\n {2}\(same configuration at both stages\)$/m);
    expect(out).not.toMatch(/^(ingestion|recall|webhooks)-dev:/m);
    expect(out).not.toMatch(/^ {2}(replace|destroy) \(/m);
  });

  it('edits only the stage value of the environment file and prints the edit', () => {
    const after = fs.readFileSync(path.join(envDir, 'dev.ts'), 'utf8');
    expect(after).toBe(before.replace("stage: '07-api-gateway'", "stage: '08-async-notifications'"));
    expect(String(run.stdout)).toContain("-    stage: '07-api-gateway',\n+    stage: '08-async-notifications',");
    expect(fs.readdirSync(envDir).sort()).toEqual(['dev.ts', 'lib']);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.cdktf-tmp-env'))).toEqual([]);
  });

  it('refuses to skip a stage (exit 1) and leaves the file untouched', () => {
    const current = fs.readFileSync(path.join(envDir, 'dev.ts'), 'utf8');
    const refused = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/promote.ts', 'dev', '--to', '10-read-replicas'], {
      cwd: REPO,
      env: { ...process.env, CLASSIFYHUB_ENVIRONMENTS_DIR: envDir },
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('refusing to skip 1 stage: 08-async-notifications → 10-read-replicas; promote to 09-cdn first');
    expect(refused.stderr).toContain('nothing was changed.');
    expect(fs.readFileSync(path.join(envDir, 'dev.ts'), 'utf8')).toBe(current);
  });
});
