/**
 * `npx tsx scripts/pr-comment.ts --digests <dir> [--promotion <file>] [--diff <file>] [--cost <file>] [--run-url <url>] [--sha <sha>] --out <file>`
 *
 * Writes the body of plan.yml's sticky pull-request comment (scripts/lib/pr-comment.ts) from the plan
 * digests of every planned stack (`*.json` files written by `npm run plan -- --digest`, searched
 * recursively in `--digests`) and the Markdown of the promotion check and the synth diff. Missing inputs
 * (a job that failed) show as "not available".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgv } from './lib/delivery';
import { readJsonFile } from './lib/json-file';
import type { StackDigest } from './lib/plan-summary';
import { renderPrComment } from './lib/pr-comment';

const USAGE = 'usage: npx tsx scripts/pr-comment.ts --digests <dir> [--promotion <file>] [--diff <file>] [--cost <file>] [--run-url <url>] [--sha <sha>] --out <file>';

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsonFiles(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : [])).sort();
}

const optionalText = (file: string | undefined) => (file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

function main(): void {
  const args = parseArgv(process.argv.slice(2), { flags: [], valued: ['--digests', '--promotion', '--diff', '--cost', '--run-url', '--sha', '--out'] }, USAGE);
  const out = args.value('--out');
  if (!out) throw new Error(`--out is required\n${USAGE}`);
  const files = args.all('--digests').flatMap(jsonFiles);
  let offline = false;
  const stacks: StackDigest[] = files.flatMap((file) => {
    const parsed = readJsonFile<{ offline?: boolean; stacks?: StackDigest[] }>(file, 'a plan digest from npm run plan -- --digest');
    if (!Array.isArray(parsed.stacks)) throw new Error(`${file}: not a plan digest (expected {"stacks": [...]} from npm run plan -- --digest)`);
    offline ||= parsed.offline === true;
    return parsed.stacks;
  });
  stacks.sort((a, b) => (a.stack < b.stack ? -1 : 1));
  const body = renderPrComment({
    stacks,
    offline,
    promotion: optionalText(args.value('--promotion')),
    synthDiff: optionalText(args.value('--diff')),
    cost: optionalText(args.value('--cost')),
    runUrl: args.value('--run-url'),
    sha: args.value('--sha'),
  });
  fs.writeFileSync(out, body);
  console.log(`${out}: ${body.length} characters, ${stacks.length} stack(s) from ${files.length} digest files`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
