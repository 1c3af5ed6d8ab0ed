/**
 * `npm run bootstrap -- <env>`: the first step of a real deployment. Creates the S3 bucket that holds the
 * environment's Terraform state (scripts/lib/bootstrap.ts), in the environment's account and region, named
 * `classifyhub-tfstate-<account>-<region>` unless its `state` section (bucket, region) says
 * otherwise. Safe to run again: it only fixes what differs.
 *
 * Needs AWS credentials of the environment's account; without them it says so and exits 1.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { environmentNames, loadEnvironment } from '../environments/lib/load';
import { bootstrapStateBucket } from './lib/bootstrap';
import { parseArgv } from './lib/delivery';
import { stateLocation } from './lib/state';
import { offlineReason } from './lib/terraform';

const USAGE = 'usage: npm run bootstrap -- <env>';

async function main(): Promise<void> {
  const args = parseArgv(process.argv.slice(2), { flags: [], valued: [] }, USAGE);
  if (args.positional.length !== 1) throw new Error(`name one environment (${environmentNames().join(', ')})\n${USAGE}`);
  const env = loadEnvironment(args.positional[0]);
  const location = stateLocation(env);
  console.log(`state bucket of ${env.name}: s3://${location.bucket} (account ${location.accountId}, ${location.region})`);
  const reason = offlineReason();
  if (reason) {
    throw new Error(
      `bootstrap needs AWS credentials of account ${location.accountId} (${reason}). ` +
        'Sign in (e.g. AWS_PROFILE=<profile> or aws sso login) and run it again. Nothing was created.',
    );
  }
  const s3 = new S3Client({ region: location.region });
  const steps = await bootstrapStateBucket(s3, location, {
    tags: { Project: 'classifyhub', Purpose: 'terraform-state' },
    onStep: (step) => console.log(`  ${step.step.padEnd(20)} ${step.status.padEnd(9)} ${step.detail}`),
  });
  const changed = steps.filter((s) => s.status !== 'unchanged').length;
  console.log(changed === 0 ? 'nothing to do: the bucket was already set up' : `${changed} of ${steps.length} settings applied`);
  console.log(`next: npm run deploy -- ${env.name}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
