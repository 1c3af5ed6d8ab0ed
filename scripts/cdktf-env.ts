/**
 * `eval "$(npm run --silent cdktf:env)"`: the environment that makes `npx cdktf diff|deploy|destroy <stack>`
 * install providers exactly as the project's scripts do (scripts/lib/terraform/providers.ts): writes the
 * project's Terraform CLI config to cdktf.out/terraform.rc and prints `export` lines for
 *
 * - TF_CLI_CONFIG_FILE: that config (the provider mirror when there is one, else the registry + a plugin cache);
 * - TF_CLI_ARGS_providers_lock and CDKTF_DISABLE_PLUGIN_CACHE_ENV, with a mirror (see cdktfEnvironment);
 * - CHECKPOINT_DISABLE=1: neither terraform nor cdktf calls checkpoint-api.hashicorp.com.
 *
 * cdktf-cli 0.21 hands its whole environment to every terraform process it starts, so these are enough.
 */
import { OUTDIR } from './lib/delivery';
import { cdktfEnvironment, findProviderMirror, writeCliConfig } from './lib/terraform';

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

try {
  const mirror = findProviderMirror();
  const vars = { ...cdktfEnvironment(writeCliConfig(OUTDIR, mirror ?? null), mirror), CHECKPOINT_DISABLE: '1' };
  console.log(`# providers: ${mirror ? `local mirror ${mirror}` : 'registry.terraform.io (plugin cache in cdktf.out)'}`);
  for (const [name, value] of Object.entries(vars)) console.log(`export ${name}=${quote(value)}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
