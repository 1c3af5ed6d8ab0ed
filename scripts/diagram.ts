/**
 * `npm run diagram -- <stack|env|stage> [--out <file>]`: Mermaid diagrams of synthesized stacks of any
 * system, as Markdown with ```mermaid blocks (GitHub renders them). Prints it, or writes `--out`.
 *
 * - a stack (`onboarding-dev`, `classifyhub-prod`, `webhooks-staging`, ...): that stack;
 * - an environment (`dev`): every stack of the environment, one diagram each;
 * - a ClassifyHub stage (`12-high-availability` or `12`): the ClassifyHub stack with dev's settings at that stage.
 *
 * `npm run diagram -- --all-stages [--dir docs/diagrams]` writes one file per
 * implemented stage (`<dir>/<NN>-<slug>.md`) and an index (`<dir>/README.md`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App } from 'cdktf';
import { environmentNames, loadEnvironment } from '../environments/lib/load';
import { environmentOfStack, stackName, type Environment } from '../environments/lib/schema';
import { SYSTEM_APPS } from '../systems';
import { addClassifyHubStacks, atStage } from '../systems/classifyhub/app';
import { IMPLEMENTED_STAGES, STAGES, type StageDefinition, type StageSlug } from '../systems/classifyhub/stages';
import { synthInto } from './lib/synth';
import { buildDiagram, checkMermaid, renderMermaid, type StackJson } from './lib/diagram';

const REPO = path.resolve(__dirname, '..');
const USAGE = 'usage: npm run diagram -- <stack|env|stage> [--out <file>]\n       npm run diagram -- --all-stages [--dir docs/diagrams]';

class UsageError extends Error {}

export interface Target {
  /** Heading of the document. */
  title: string;
  environment: Environment;
  /** A ClassifyHub stage (then the ClassifyHub stack at that stage is drawn). */
  stage?: StageDefinition;
  /** One stack of the environment; without it (and without a stage) every stack of the environment. */
  stack?: string;
}

/** A stack name, an environment name, a stage slug or a stage number (then with dev's settings). */
export function resolveTarget(arg: string): Target {
  const stage = (STAGES as readonly StageDefinition[]).find((s) => s.slug === arg || String(s.number) === arg.replace(/^0/, ''));
  if (stage) {
    if (!stage.implemented) throw new UsageError(`stage ${stage.slug} is not implemented yet`);
    return { title: `Stage ${stage.slug}: ${stage.title}`, environment: atStage(loadEnvironment('dev'), stage.slug as StageSlug), stage };
  }
  const environments = environmentNames();
  if (environments.includes(arg)) {
    const environment = loadEnvironment(arg);
    return { title: `Environment ${arg} (${environment.systems.map((s) => stackName(s, arg)).join(', ')})`, environment };
  }
  const envName = environmentOfStack(arg, environments);
  if (envName) {
    const environment = loadEnvironment(envName);
    const system = environment.systems.find((s) => stackName(s, envName) === arg);
    if (system) return { title: `Stack ${arg}`, environment, stack: arg };
    throw new UsageError(`environment ${envName} runs no stack "${arg}"; its stacks: ${environment.systems.map((s) => stackName(s, envName)).join(', ')}`);
  }
  throw new UsageError(`"${arg}" is neither a stack (<system>-<env>), an environment (${environments.join(', ')}) nor a stage (${STAGES.map((s) => s.slug).join(', ')})\n${USAGE}`);
}

/**
 * Synthesizes what a target draws into a temp folder and returns each stack's cdk.tf.json by name. The
 * guardrail lines synth prints are dropped (stdout is the diagram; a failing rule still fails the synth).
 */
export function synthTarget(target: Target): Map<string, StackJson> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'classifyhub-diagram-'));
  const log = console.log;
  console.log = () => undefined;
  try {
    const env = target.environment;
    const build = (app: App) => {
      if (target.stage) addClassifyHubStacks(app, [env]);
      else for (const system of env.systems) if (!target.stack || target.stack === stackName(system, env.name)) SYSTEM_APPS[system](app, [env]);
    };
    const stacks = synthInto(out, build);
    return new Map(stacks.map((name) => [name, JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson]));
  } finally {
    console.log = log;
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** The Markdown document of a target (synthesizes its stacks). */
export function diagramMarkdown(target: Target): string {
  const stacks = synthTarget(target);
  if (stacks.size === 1) return diagramDocument(target, [...stacks.values()][0]);
  const sections = [...stacks].map(([name, stack]) => `## ${name}\n\n\`\`\`mermaid\n${checkedMermaid(`${target.title}, ${name}`, stack)}\`\`\`\n`);
  return `# ${target.title}\n\nDrawn from the synthesized stacks (\`npm run diagram -- ${target.environment.name}\`), one diagram per stack.\n\n${sections.join('\n')}`;
}

function checkedMermaid(title: string, stack: StackJson): string {
  const mermaid = renderMermaid(buildDiagram(stack));
  const problems = checkMermaid(mermaid);
  if (problems.length > 0) throw new Error(`generated Mermaid for ${title} is malformed:\n  ${problems.join('\n  ')}`);
  return mermaid;
}

/** The Markdown document of one diagram of a synthesized stack; throws when the Mermaid text fails the structural check. */
export function diagramDocument(target: Target, stack: StackJson): string {
  const mermaid = checkedMermaid(target.title, stack);
  const command = target.stage ? target.stage.slug : target.stack ?? target.environment.name;
  const intro = target.stage
    ? `${target.stage.summary} Drawn from the synthesized stack of \`dev\` at this stage (\`npm run diagram -- ${target.stage.slug}\`).`
    : `Drawn from the synthesized stack (\`npm run diagram -- ${command}\`).`;
  return `# ${target.title}\n\n${intro}\n\n\`\`\`mermaid\n${mermaid}\`\`\`\n`;
}

function writeAllStages(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const index = ['# ClassifyHub architecture by stage', '', 'Generated by `npm run diagram -- --all-stages` from the synthesized stacks (dev settings); regenerate after changing a stage.', ''];
  for (const stage of IMPLEMENTED_STAGES) {
    const file = path.join(dir, `${stage.slug}.md`);
    fs.writeFileSync(file, diagramMarkdown(resolveTarget(stage.slug)));
    index.push(`- [${stage.slug}: ${stage.title}](${stage.slug}.md)`);
    console.log(`${stage.slug}: ${path.relative(process.cwd(), file)}`);
  }
  fs.writeFileSync(path.join(dir, 'README.md'), `${index.join('\n')}\n`);
}

function main(): void {
  const argv = process.argv.slice(2);
  const valueOf = (flag: string): string | undefined => {
    const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    const v = argv[i].includes('=') ? argv[i].slice(flag.length + 1) : argv[i + 1];
    if (!v) throw new UsageError(`${flag} needs a value\n${USAGE}`);
    argv.splice(i, argv[i].includes('=') ? 1 : 2);
    return v;
  };
  const out = valueOf('--out');
  const dir = valueOf('--dir');
  if (argv.includes('--all-stages')) {
    writeAllStages(path.resolve(dir ?? path.join(REPO, 'docs', 'diagrams')));
    return;
  }
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown || argv.length !== 1) throw new UsageError(unknown ? `unknown option ${unknown}\n${USAGE}` : USAGE);
  const markdown = diagramMarkdown(resolveTarget(argv[0]));
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, markdown);
    console.log(`wrote ${out}`);
  } else {
    process.stdout.write(markdown);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
