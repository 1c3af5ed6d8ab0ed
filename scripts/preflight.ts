/**
 * `npm run preflight -- <env> [--dry-run]`: checks the environment against its AWS account with the EC2
 * API (scripts/lib/preflight.ts): per region, that the pinned zones exist; in the environment's region, that
 * the Docker host's instance type is offered there; and resolves the current Amazon Linux 2023 AMI. When
 * the AMI pin is outdated it rewrites `classifyhub.amiId` in `environments/<env>.ts` (only that value,
 * written atomically) and prints the diff; `--dry-run` only prints it. With any error nothing is written.
 *
 * Needs AWS credentials of the environment's account; without them it says so and exits 1.
 * CLASSIFYHUB_ENVIRONMENTS_DIR points it at another folder of environment files.
 *
 * `npm run preflight -- --regions` (offline, no environment): compares the region table shipped in
 * environments/lib/regions.ts with the regions of the pinned provider binary and lists what to change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { environmentNames, environmentsDir, loadEnvironment } from '../environments/lib/load';
import { parseArgv } from './lib/delivery';
import { preflight, writeAmiPin } from './lib/preflight';
import { findProviderMirror, offlineReason } from './lib/terraform';
import { compareRegionTable, formatRegionComparison, providerBinaryIn } from './lib/regions';

const USAGE = 'usage: npm run preflight -- <env> [--dry-run]  |  npm run preflight -- --regions';
const MARK = { ok: 'ok   ', warning: 'warn ', error: 'ERROR' } as const;

async function main(): Promise<void> {
  const args = parseArgv(process.argv.slice(2), { flags: ['--dry-run', '--regions'], valued: [] }, USAGE);
  if (args.flags.has('--regions')) return checkRegionTable();
  if (args.positional.length !== 1) throw new Error(`name one environment (${environmentNames().join(', ')})\n${USAGE}`);
  const env = loadEnvironment(args.positional[0]);
  const file = path.join(environmentsDir(), `${env.name}.ts`);
  const reason = offlineReason();
  if (reason) {
    throw new Error(
      `preflight needs AWS credentials of account ${env.account.id} (${reason}): it asks EC2 which zones, instance types and AMIs exist. ` +
        'Sign in (e.g. AWS_PROFILE=<profile>) and run it again. Nothing was changed.',
    );
  }
  const clients = new Map<string, EC2Client>();
  const clientFor = (region: string) => clients.get(region) ?? clients.set(region, new EC2Client({ region })).get(region)!;
  console.log(`preflight of ${env.name} (account ${env.account.id})`);
  const report = await preflight(env, clientFor);
  for (const f of report.findings) console.log(`  ${MARK[f.level]} ${f.region.padEnd(15)} ${f.message}`);
  const errors = report.findings.filter((f) => f.level === 'error');

  if (report.ami && report.ami.id !== env.classifyhub.amiId) {
    const shownAs = path.relative(process.cwd(), file) || file;
    const dryRun = errors.length > 0 || args.flags.has('--dry-run');
    console.log(`\n${writeAmiPin(file, env.classifyhub.amiId, report.ami.id, { dryRun, shownAs })}`);
    if (errors.length > 0) console.log(`not written: fix the ${errors.length} error(s) above first`);
    else if (dryRun) console.log('not written (--dry-run)');
    else {
      console.log(`updated ${shownAs}`);
      const stage = Number(env.classifyhub.stage.slice(0, 2));
      if (stage < 12 || !env.classifyhub.decommissionDockerHost) {
        console.log(
          'note: this environment runs the Docker host; a new AMI replaces its instance on the next deploy (the data volume is kept)' +
            (env.profile.deletionProtection ? ', and with deletion protection the plan refuses until the replacement is allowed' : ''),
        );
      }
    }
  }
  if (errors.length > 0) throw new Error(`preflight of ${env.name}: ${errors.length} error(s)`);
  console.log(`preflight of ${env.name}: ok`);
}

/**
 * `--regions`: compares environments/lib/regions.ts with the regions of the pinned provider binary
 * (TF_PROVIDER_BINARY, or hashicorp/aws 5.100.0 in the provider mirror). Offline; exit 1 when they differ.
 */
function checkRegionTable(): void {
  const mirror = findProviderMirror();
  const binary = process.env.TF_PROVIDER_BINARY ?? (mirror ? providerBinaryIn(mirror, '5.100.0') : undefined);
  if (!binary || !fs.existsSync(binary)) {
    throw new Error(
      `no hashicorp/aws 5.100.0 provider binary found (${binary ? `TF_PROVIDER_BINARY=${binary} does not exist` : 'no provider mirror'}); ` +
        'set TF_PROVIDER_BINARY to the terraform-provider-aws file (e.g. under .terraform/providers of a planned stack)',
    );
  }
  const comparison = compareRegionTable(binary);
  console.log(formatRegionComparison(comparison));
  if (comparison.missing.length || comparison.extra.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
