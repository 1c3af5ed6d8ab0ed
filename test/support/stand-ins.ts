/**
 * Stand-ins for the Terraform tier (test/scripts/terraform.test.ts): a stage stack's WAF web ACL that is an exact
 * copy of one an environment stack declares is planned once, in the environment stack.
 *
 * Why: a WAF web ACL costs some 2.4 CPU-seconds to plan plus 0.8 a rule (docs/delivery.md), and all seven ACLs of
 * the ClassifyHub stage ladder (stages 09-13 at the dev settings) are byte-identical to classifyhub-dev's two, with
 * byte-identical provider blocks: planning them again proves nothing about them.
 *
 * When a resource may be stood in for (every condition, else it is planned as it is):
 * - its type is in {@link STAND_IN_TYPES};
 * - its block holds no interpolation (`${`) and no meta-argument but `provider`, so what Terraform plans for it
 *   depends on nothing but the block and its provider block;
 * - an environment stack declares the same block (CDKTF's `//` metadata aside) under byte-identical provider
 *   settings (region, default tags, allowed accounts ...; the alias's name aside): that stack is always planned as
 *   it is, so this exact configuration is validated and planned in the same run;
 * - the rest of its stack refers to it only as `<type>.<name>.arn` or `.id`, or in `depends_on`. Both attributes
 *   are computed when the resource is created, so in an offline plan (empty state) they are unknown strings.
 *
 * What replaces it: `terraform_data.<name>` (Terraform's built-in resource; its `id` is also unknown until
 * apply), and every `${<type>.<name>.arn}` / `.id` reference and `depends_on` entry of the stack points to it. Every
 * other resource of the stack then plans against the same unknown string it would have seen, and the stack keeps
 * its count of planned creates.
 */
import { providerBlocks, type TerraformConfig } from '../../scripts/lib/terraform';

/** Resource types worth standing in for (their plan costs seconds; a typical resource costs milliseconds). */
export const STAND_IN_TYPES: readonly string[] = ['aws_wafv2_web_acl'];

/** One stood-in resource. */
export interface StandIn {
  /** Its address in the stack (`aws_wafv2_web_acl.cdn_waf_web_acl`). */
  readonly address: string;
  /** The environment stack that declares the same configuration and is planned as it is. */
  readonly plannedIn: string;
}

/** Block and provider block of a resource, as one key: equal keys plan the same. */
function planKey(config: TerraformConfig, type: string, body: Record<string, unknown>): string | undefined {
  const { '//': _metadata, provider, ...block } = body;
  const providerName = type.split('_')[0];
  const [name, alias] = typeof provider === 'string' ? provider.split('.') : [providerName, undefined];
  const providerBlock = providerBlocks(config, name).find((b) => b.alias === alias);
  if (!providerBlock) return undefined;
  const { alias: _alias, ...settings } = providerBlock;
  return JSON.stringify({ type, provider: name, settings, block });
}

/** Resources of the stand-in types whose plan depends only on their block and provider block, with their keys. */
function candidates(config: TerraformConfig): Array<{ type: string; name: string; key: string }> {
  const out: Array<{ type: string; name: string; key: string }> = [];
  for (const type of STAND_IN_TYPES) {
    for (const [name, body] of Object.entries(config.resource?.[type] ?? {})) {
      const metaArguments = Object.keys(body).filter((k) => ['count', 'for_each', 'depends_on', 'lifecycle', 'provisioner', 'connection'].includes(k));
      const { '//': _metadata, ...block } = body;
      if (metaArguments.length > 0 || JSON.stringify(block).includes('${')) continue;
      const key = planKey(config, type, body);
      if (key) out.push({ type, name, key });
    }
  }
  return out;
}

/** The plan keys of the stand-in-type resources of the stacks always planned as they are, with the stack's name. */
export function plannedAsIs(stacks: ReadonlyArray<{ name: string; config: TerraformConfig }>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const { name, config } of stacks) for (const c of candidates(config)) if (!keys.has(c.key)) keys.set(c.key, name);
  return keys;
}

/** Every `${...}` reference to `<type>.<name>` in `text`: the attribute each one reads (`''` for the bare address). */
function referencedAttributes(text: string, type: string, name: string): string[] {
  const pattern = new RegExp(`(?<![A-Za-z0-9_.-])${type}\\.${name}(?![A-Za-z0-9_-])(\\.[A-Za-z0-9_]+)?`, 'g');
  return [...text.matchAll(pattern)].map((m) => (m[1] ?? '').slice(1));
}

/**
 * `config` with each resource that an entry of `planned` covers (see the file's comment) replaced by
 * `terraform_data`, and the list of what was stood in for. `config` itself is not changed.
 */
export function standIn(config: TerraformConfig, planned: ReadonlyMap<string, string>): { config: TerraformConfig; standIns: StandIn[] } {
  const replaced: Array<{ type: string; name: string; plannedIn: string }> = [];
  for (const { type, name, key } of candidates(config)) {
    const plannedIn = planned.get(key);
    if (!plannedIn || config.resource?.terraform_data?.[name]) continue;
    // The rest of the stack may refer to it as .arn or .id, or name it in depends_on (a string holding the bare address).
    const rest = JSON.stringify({ ...config, resource: { ...config.resource, [type]: { ...config.resource![type], [name]: null } } });
    const attributes = referencedAttributes(rest, type, name);
    const bare = attributes.filter((a) => a === '').length;
    const dependsOn = rest.split(`"${type}.${name}"`).length - 1;
    if (attributes.some((a) => !['arn', 'id', ''].includes(a)) || bare !== dependsOn) continue;
    replaced.push({ type, name, plannedIn });
  }
  if (replaced.length === 0) return { config, standIns: [] };
  let text = JSON.stringify(config);
  for (const { type, name } of replaced) {
    text = text.replace(new RegExp(`(?<![A-Za-z0-9_.-])${type}\\.${name}\\.(arn|id)(?![A-Za-z0-9_-])`, 'g'), `terraform_data.${name}.id`);
    text = text.split(`"${type}.${name}"`).join(`"terraform_data.${name}"`);
  }
  const out = JSON.parse(text) as TerraformConfig;
  for (const { type, name, plannedIn } of replaced) {
    const metadata = (config.resource![type][name] as { '//'?: unknown })['//'];
    delete out.resource![type][name];
    if (Object.keys(out.resource![type]).length === 0) delete out.resource![type];
    out.resource!.terraform_data = {
      ...out.resource!.terraform_data,
      [name]: { ...(metadata ? { '//': metadata } : {}), input: `stand-in for ${type}.${name}, planned in ${plannedIn}` },
    };
  }
  return { config: out, standIns: replaced.map(({ type, name, plannedIn }) => ({ address: `${type}.${name}`, plannedIn })) };
}
