/**
 * `npm run synth [-- --verbose]`: every stack of every environment into cdktf.out/stacks/<stack>/cdk.tf.json.
 * One guardrail line per stack; `--verbose` (or GUARDRAILS_VERBOSE=1) prints each stack's details.
 */
import { synthCommand } from '../main';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--verbose');
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(' ')}\nusage: npm run synth [-- --verbose]`);
  process.exit(2);
}
if (args.includes('--verbose')) process.env.GUARDRAILS_VERBOSE = '1';
synthCommand('cdktf.out');
