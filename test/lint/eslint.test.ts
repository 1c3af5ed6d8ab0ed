/**
 * The lint rules of eslint.config.mjs fire where they should: `local/no-cross-system` (a system never
 * imports another system's code) and `import-x/first`. Fixture sources are linted as strings through
 * the ESLint Node API, in a child Node process (ESLint loads the flat config with a dynamic import,
 * which jest's module sandbox does not support). The file paths are virtual: nothing is written.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Fixture {
  readonly filePath: string;
  readonly code: string;
}
interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
}

/** Lints every fixture with the project's config; returns the messages of each. */
function lint(fixtures: readonly Fixture[]): LintMessage[][] {
  const script = `
    const { ESLint } = await import('eslint');
    const fixtures = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const f of fixtures) {
      const [result] = await eslint.lintText(f.code, { filePath: f.filePath });
      out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(fixtures)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`eslint failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as LintMessage[][];
}

const crossSystem = (messages: LintMessage[]) => messages.filter((m) => m.ruleId === 'local/no-cross-system').map((m) => m.message);

const importAfterConst: Fixture = { filePath: 'lambdas/onboarding/product-validator/core.ts', code: "import { a } from './a';\nconst LIMIT = 10;\nimport { b } from './b';\nexport const all = [a, b, LIMIT];\n" };

describe('eslint.config.mjs: local/no-cross-system and import-x/first', () => {
  const forbidden: Fixture[] = [
    { filePath: 'lambdas/webhooks/sender/core.ts', code: "import { ENV } from '../../onboarding/shared/config';\nexport const e = ENV;\n" },
    { filePath: 'systems/recall/stack.ts', code: "import { ONBOARDING_FUNCTIONS } from '../onboarding/names';\nexport const f = ONBOARDING_FUNCTIONS;\n" },
    { filePath: 'systems/ingestion/stack.ts', code: "export * from '../../lambdas/recall/notifier/core';\n" },
    { filePath: 'lambdas/recall/notifier/handler.ts', code: "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const c = require('../../ingestion/shared/events');\n" },
    { filePath: 'lambdas/webhooks/shared/index.ts', code: "export const load = () => import('../../onboarding');\n" },
  ];
  const allowed: Fixture[] = [
    { filePath: 'lambdas/recall/notifier/core.ts', code: "import { lazy } from '../../lib/lazy';\nimport { x } from '../shared/domain';\nimport { Table } from '../../../modules/table';\nexport const all = [lazy, x, Table];\n" },
    { filePath: 'systems/onboarding/stack.ts', code: "import { ENV } from '../../lambdas/onboarding/shared/config';\nimport { SYSTEM_SECTIONS } from '../sections';\nimport { loadEnvironment } from '../../environments/lib/load';\nexport const all = [ENV, SYSTEM_SECTIONS, loadEnvironment];\n" },
    { filePath: 'systems/index.ts', code: "import { addOnboardingStacks } from './onboarding/app';\nimport { addRecallStacks } from './recall/app';\nexport const all = [addOnboardingStacks, addRecallStacks];\n" },
    { filePath: 'scripts/local-recall.ts', code: "import { handler } from '../lambdas/recall/notifier/handler';\nimport { OnboardingStack } from '../systems/onboarding/stack';\nexport const all = [handler, OnboardingStack];\n" },
  ];

  // One ESLint process for every fixture (starting it costs about 2 s).
  let results: LintMessage[][];
  beforeAll(() => {
    results = lint([...forbidden, ...allowed, importAfterConst]);
  });

  test("fires on every way of importing another system's code", () => {
    expect(results.slice(0, forbidden.length).map(crossSystem)).toEqual([
      ['system "webhooks" must not import "../../onboarding/shared/config" (code of system "onboarding"); move what both need to lambdas/lib/ or modules/, or keep a copy in the system'],
      [expect.stringContaining('system "recall" must not import "../onboarding/names" (code of system "onboarding")')],
      [expect.stringContaining('system "ingestion" must not import "../../lambdas/recall/notifier/core" (code of system "recall")')],
      [expect.stringContaining('system "recall" must not import "../../ingestion/shared/events" (code of system "ingestion")')],
      [expect.stringContaining('system "webhooks" must not import "../../onboarding" (code of system "onboarding")')],
    ]);
  });

  test('allows a system its own code, lambdas/lib, modules, environments and the shared system registry', () => {
    expect(results.slice(forbidden.length, forbidden.length + allowed.length).map((messages) => messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([[], [], [], []]);
  });

  test('import-x/first: an import after a statement is an error', () => {
    expect(results[results.length - 1].map((m) => m.ruleId)).toEqual(['import-x/first']);
  });
});
