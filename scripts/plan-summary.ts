/**
 * `npm run plan:summary -- <digest.json | dir> ... [--out <file>] [--title <text>] [--max-chars <n>]`
 *
 * Renders the Markdown plan summary (scripts/lib/plan-summary.ts) of the stacks in plan digests written by
 * `npm run plan -- <env> --digest <file>`, e.g. one per CI job, into one report. Prints it, or writes it
 * to `--out`. Always under GitHub's 65,536-character comment limit (or `--max-chars`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgv } from './lib/delivery';
import { readJsonFile } from './lib/json-file';
import { renderPlanSummary, type StackDigest } from './lib/plan-summary';

const USAGE = 'usage: npm run plan:summary -- <digest.json | dir> ... [--out <file>] [--title <text>] [--max-chars <n>]';

function files(input: string): string[] {
  if (!fs.existsSync(input)) throw new Error(`${input}: no such file or directory\n${USAGE}`);
  if (!fs.statSync(input).isDirectory()) return [input];
  return fs.readdirSync(input).sort().flatMap((name) => (name.endsWith('.json') || fs.statSync(path.join(input, name)).isDirectory() ? files(path.join(input, name)) : []));
}

function main(): void {
  const args = parseArgv(process.argv.slice(2), { flags: [], valued: ['--out', '--title', '--max-chars'] }, USAGE);
  if (args.positional.length === 0) throw new Error(`name at least one digest file or folder\n${USAGE}`);
  let offline = false;
  const stacks: StackDigest[] = args.positional.flatMap(files).flatMap((file) => {
    const parsed = readJsonFile<{ offline?: boolean; stacks?: StackDigest[] }>(file, 'a plan digest from npm run plan -- --digest');
    if (!Array.isArray(parsed.stacks)) throw new Error(`${file}: not a plan digest (expected {"stacks": [...]} from npm run plan -- --digest)`);
    offline ||= parsed.offline === true;
    return parsed.stacks;
  });
  const maxChars = args.value('--max-chars') === undefined ? undefined : Number(args.value('--max-chars'));
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 1000)) throw new Error(`--max-chars: received ${JSON.stringify(args.value('--max-chars'))}; expected a whole number of at least 1000`);
  const note = offline ? '_Planned offline (no AWS credentials): every resource shows as new._' : undefined;
  const markdown = renderPlanSummary(stacks, { title: args.value('--title'), note, maxChars });
  const out = args.value('--out');
  if (out) {
    fs.writeFileSync(out, markdown);
    console.log(`${out}: ${markdown.length} characters, ${stacks.length} stack(s)`);
  } else process.stdout.write(markdown);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
