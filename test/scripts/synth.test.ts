/**
 * synthInto skips cdktf's token creation stacks while it synthesizes (scripts/lib/synth.ts): tokens made
 * during synth carry none, errors keep their stack traces, SYNTH_CREATION_STACKS=1 keeps the creation
 * stacks, and Error.captureStackTrace is itself again afterwards, also when the build throws.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lazy, S3Backend, TerraformOutput, TerraformStack, type IResolvable } from 'cdktf';
import { CREATION_STACKS_VARIABLE, skipCreationStacks, synthInto } from '../../scripts/lib/synth';
import { restoreCreationStacks } from '../setup';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-stacks-'));
  // test/setup.ts skips the captures for every suite; here synthInto's own handling is under test.
  restoreCreationStacks();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stack with one output whose value is a lazy token; returns the token's creation stack seen in synth. */
function synthWithToken(outdir: string, produce: () => unknown): { creationStack: string[]; errorStack: string } {
  const seen = { creationStack: [] as string[], errorStack: '' };
  synthInto(outdir, (app) => {
    const stack = new TerraformStack(app, 'tokens-dev');
    new S3Backend(stack, { bucket: 'state', key: 'tokens-dev.tfstate', region: 'us-east-1' });
    const token = Lazy.anyValue({ produce }) as IResolvable;
    seen.creationStack = token.creationStack;
    seen.errorStack = new Error('made during synth').stack ?? '';
    new TerraformOutput(stack, 'value', { value: token });
  });
  return seen;
}

test('tokens made during synth carry no creation stack; errors keep theirs; the output is unchanged', () => {
  const seen = synthWithToken(path.join(dir, 'default'), () => 'v');
  expect(seen.creationStack).toEqual([]);
  expect(seen.errorStack).toMatch(/made during synth\n\s+at /);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'default', 'stacks', 'tokens-dev', 'cdk.tf.json'), 'utf8')) as { output: Record<string, { value: unknown }> };
  expect(config.output.value.value).toBe('v');
  // Outside synth a token records where it was made again.
  expect((Lazy.anyValue({ produce: () => 1 }) as IResolvable).creationStack.length).toBeGreaterThan(0);
});

test('only creation-stack targets are skipped: errors and other plain-object captures (depd) keep theirs', () => {
  const restore = skipCreationStacks({});
  try {
    const error = new Error('an error');
    Error.captureStackTrace(error);
    expect(error.stack).toMatch(/an error\n\s+at /);
    const depdStyle: { stack?: string } = {};
    Error.captureStackTrace(depdStyle);
    expect(typeof depdStyle.stack).toBe('string');
    expect(depdStyle.stack!.length).toBeGreaterThan(0);
    const creation = { stack: '' };
    Error.captureStackTrace(creation);
    expect(creation.stack).toBe('');
  } finally {
    restore();
  }
});

test(`${CREATION_STACKS_VARIABLE}=1 keeps the creation stacks`, () => {
  const previous = process.env[CREATION_STACKS_VARIABLE];
  process.env[CREATION_STACKS_VARIABLE] = '1';
  try {
    const seen = synthWithToken(path.join(dir, 'kept'), () => 'v');
    expect(seen.creationStack.join('\n')).toMatch(/synthWithToken/);
  } finally {
    if (previous === undefined) delete process.env[CREATION_STACKS_VARIABLE];
    else process.env[CREATION_STACKS_VARIABLE] = previous;
  }
});

test('a failing synth restores Error.captureStackTrace and still names the failure', () => {
  const original = Error.captureStackTrace;
  expect(() =>
    synthWithToken(path.join(dir, 'failing'), () => {
      throw new Error('no value for the output');
    }),
  ).toThrow(/no value for the output/);
  expect(Error.captureStackTrace).toBe(original);
  const restore = skipCreationStacks({});
  expect(Error.captureStackTrace).not.toBe(original);
  restore();
  expect(Error.captureStackTrace).toBe(original);
  expect(skipCreationStacks({ [CREATION_STACKS_VARIABLE]: '1' })).toBeInstanceOf(Function);
  expect(Error.captureStackTrace).toBe(original);
});
