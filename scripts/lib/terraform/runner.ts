/**
 * Running Terraform: one process runner ({@link terraform}) and the commands the scripts use (init,
 * validate, plan, apply, show). Every process gets the project's CLI config through TF_CLI_CONFIG_FILE
 * (./providers.ts), never the inherited one. Reading Terraform's JSON is ./model.ts's job.
 */
import { spawn } from 'node:child_process';
import type { PlanJson } from './model';
import { writeCliConfig } from './providers';

/** Options of one terraform invocation. */
export interface TerraformRunOptions {
  /** Working directory, usually a stack dir. */
  cwd: string;
  /** CLI config from {@link writeCliConfig}, passed as TF_CLI_CONFIG_FILE. */
  cliConfig: string;
  /** Base environment; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Resolve instead of throwing when terraform exits non-zero. */
  allowFailure?: boolean;
  /** Exit codes that count as success besides 0 (e.g. 2 of `plan -detailed-exitcode`). */
  okExitCodes?: number[];
  /** Called with every line of output (stdout and stderr) as it arrives, e.g. to show a long apply live. */
  echo?: (line: string) => void;
}

/**
 * Go's garbage-collector target for Terraform and its provider processes unless the caller's environment
 * sets GOGC: 400 lets the heap grow to five times the live data before collecting (Go's default, 100, to
 * twice). Terraform and the AWS provider allocate heavily per resource, so a plan of this project's stacks
 * takes about a fifth less CPU (classifyhub-dev, 670 resources: 54 to 45 CPU-s) for more memory (its largest
 * process: 375 to 650 MB). Measured with Terraform 1.11 and hashicorp/aws 5.100.0; docs/delivery.md.
 */
export const TERRAFORM_GOGC = '400';

/** Captured output of a terraform process. */
export interface TerraformResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The environment of a terraform process: `base` with the project's CLI config, automation settings and GOGC. */
export function terraformEnv(base: NodeJS.ProcessEnv, cliConfig: string): NodeJS.ProcessEnv {
  return {
    ...base,
    GOGC: base.GOGC ?? TERRAFORM_GOGC,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
}

/**
 * Runs `terraform <args>` in `cwd` with the given CLI config and
 * TF_IN_AUTOMATION=1 (and GOGC={@link TERRAFORM_GOGC} unless the environment sets it). Throws, naming the directory and carrying Terraform's
 * stderr, when terraform cannot start or exits non-zero (unless `allowFailure`).
 */
export function terraform(args: string[], options: TerraformRunOptions): Promise<TerraformResult> {
  const command = `terraform ${args.join(' ')}`;
  const env = terraformEnv(options.env ?? process.env, options.cliConfig);
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const echo = options.echo ? lineSplitter(options.echo) : undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      echo?.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      echo?.push(chunk);
    });
    child.on('error', (error) => reject(new Error(`${command} could not start in ${options.cwd}: ${error.message} (is Terraform installed and on PATH?)`)));
    child.on('close', (code, signal) => {
      echo?.flush();
      const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code ?? 1 };
      if (result.exitCode === 0 || options.okExitCodes?.includes(result.exitCode) || options.allowFailure) return resolve(result);
      const status = signal ? `killed by ${signal}` : `exit code ${result.exitCode}`;
      const output = (result.stderr.trim() || result.stdout.trim()).replace(/^(?=.)/gm, '  ');
      reject(new Error(`${command} failed in ${options.cwd} (${status}):\n${output}`));
    });
  });
}

/** Buffers output chunks and calls `onLine` once per complete line. */
function lineSplitter(onLine: (line: string) => void): { push: (chunk: Buffer) => void; flush: () => void } {
  let pending = '';
  return {
    push(chunk) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    },
    flush() {
      if (pending) onLine(pending);
      pending = '';
    },
  };
}

/** Options shared by the per-stack commands. */
export interface StackOptions {
  /** CLI config from {@link writeCliConfig}; by default one is written into the stack dir. */
  cliConfig?: string;
  /** Base environment for terraform; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives terraform's output line by line while it runs. */
  echo?: (line: string) => void;
}

function runIn(stackDir: string, args: string[], options: StackOptions, allowFailure = false, okExitCodes: number[] = []): Promise<TerraformResult> {
  const cliConfig = options.cliConfig ?? writeCliConfig(stackDir);
  return terraform(args, { cwd: stackDir, cliConfig, env: options.env, allowFailure, okExitCodes, echo: options.echo });
}

/**
 * `terraform init` of a stack dir, backend included. `-reconfigure`: the scripts never migrate state, and a
 * directory whose backend settings changed (an edited `state` of the environment) is simply pointed at the new one.
 */
export async function init(stackDir: string, options: StackOptions = {}): Promise<void> {
  await runIn(stackDir, ['init', '-input=false', '-no-color', '-reconfigure'], options);
}

/** One diagnostic of `terraform validate -json`. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
}

/** Parsed output of `terraform validate -json`. */
export interface ValidateResult {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: Diagnostic[];
}

/**
 * `terraform validate -json` in an initialized dir. Returns the parsed result (warnings included) when the
 * configuration is valid; throws with `name` (default: the dir), the error diagnostics and Terraform's
 * stderr when it is not.
 */
export async function validateIn(dir: string, options: StackOptions & { name?: string } = {}): Promise<ValidateResult> {
  const result = await runIn(dir, ['validate', '-json', '-no-color'], options, true);
  const parsed = parseJson<ValidateResult>(result.stdout);
  if (parsed?.valid) return parsed;
  const errors = (parsed?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => `  Error: ${d.summary}${d.detail ? `\n    ${d.detail}` : ''}`);
  throw new Error([`terraform validate failed in ${options.name ?? dir} (exit code ${result.exitCode}):`, ...errors, result.stderr.trim()].filter(Boolean).join('\n'));
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Options of {@link plan}. */
export interface PlanOptions extends StackOptions {
  /** Plan file to write, relative to the stack dir. */
  out: string;
  /** Refresh state from AWS first (default true); false for offline plans. */
  refresh?: boolean;
  /** Pass `-detailed-exitcode`: exit code 2 (changes) is a success and makes the result `true`. */
  detailedExitCode?: boolean;
  /** How long to wait for the state lock, e.g. "5m" (`-lock-timeout`); Terraform's default is not to wait. */
  lockTimeout?: string;
}

/**
 * `terraform plan -out=<out>` of an initialized stack, with `-refresh=false` when `refresh` is false.
 * Returns true when `detailedExitCode` is set and terraform exited 2 (the plan has changes), else false.
 */
export async function plan(stackDir: string, options: PlanOptions): Promise<boolean> {
  const args = ['plan', '-input=false', '-no-color', `-out=${options.out}`];
  if (options.refresh === false) args.push('-refresh=false');
  if (options.detailedExitCode) args.push('-detailed-exitcode');
  if (options.lockTimeout) args.push(`-lock-timeout=${options.lockTimeout}`);
  const result = await runIn(stackDir, args, options, false, options.detailedExitCode ? [2] : []);
  return result.exitCode === 2;
}

/**
 * `terraform apply <planFile>` of an initialized stack: applies exactly the saved plan (no new plan, no
 * prompt). Terraform refuses a plan whose state changed since it was made ("Saved plan is stale").
 */
export async function apply(stackDir: string, planFile: string, options: StackOptions & { lockTimeout?: string } = {}): Promise<void> {
  const args = ['apply', '-input=false', '-no-color'];
  if (options.lockTimeout) args.push(`-lock-timeout=${options.lockTimeout}`);
  await runIn(stackDir, [...args, planFile], options);
}

/** `terraform show -json <planFile>`, parsed. */
export async function showPlanJson(stackDir: string, planFile: string, options: StackOptions = {}): Promise<PlanJson> {
  const result = await runIn(stackDir, ['show', '-json', '-no-color', planFile], options);
  return JSON.parse(result.stdout) as PlanJson;
}
