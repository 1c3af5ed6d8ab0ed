/**
 * ESLint (flat config), run by `npm run lint` and first thing in `npm test`.
 *
 * - typescript-eslint's `recommended` rules (syntax only, no type information: fast);
 * - imports before any other statement (eslint-plugin-import-x `import-x/first`);
 * - `local/no-cross-system`: code in `systems/<system>/` or `lambdas/<system>/` never imports another
 *   system's code; `lambdas/lib/`, `modules/`, `environments/`, `systems/index.ts` and
 *   `systems/sections.ts` are shared.
 *
 * Stylistic rules are left to the editor on purpose: the rule set only flags real problems.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/** Folders whose first-level sub-folders are systems; `lambdas/lib` is shared by every system. */
const SYSTEM_ROOTS = ['systems', 'lambdas'];
const SHARED = new Set(['lib']);

/**
 * The system a project-relative path belongs to ("systems/onboarding/stack.ts" -> "onboarding"), if
 * any. An import target may also name a system's folder itself ("../../onboarding").
 */
export function systemOf(relativePath) {
  const parts = relativePath.split(/[\\/]/);
  if (parts.length < 2 || !SYSTEM_ROOTS.includes(parts[0]) || SHARED.has(parts[1])) return undefined;
  if (parts.length === 2 && !isDirectory(path.join(ROOT, relativePath))) return undefined; // systems/index.ts
  return parts[1];
}

function isDirectory(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Rule: a system's code imports no other system's code (issue 17, point 3). */
const noCrossSystem = {
  meta: {
    type: 'problem',
    docs: { description: "code in systems/<system>/ or lambdas/<system>/ must not import another system's code" },
    schema: [],
    messages: {
      crossSystem:
        'system "{{from}}" must not import "{{source}}" (code of system "{{to}}"); move what both need to lambdas/lib/ or modules/, or keep a copy in the system',
    },
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const from = systemOf(path.relative(ROOT, file));
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(ROOT, path.resolve(path.dirname(file), source));
      const to = systemOf(target);
      if (to && to !== from) context.report({ node, messageId: 'crossSystem', data: { from, to, source } });
    };
    const literal = (node) => (node && node.type === 'Literal' ? node.value : undefined);
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => check(node.source, literal(node.source)),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference, literal(node.moduleReference.expression)),
      CallExpression: (node) => {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isResolve = callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'require' && callee.property.name === 'resolve';
        if ((isRequire || isResolve) && node.arguments.length > 0) check(node.arguments[0], literal(node.arguments[0]));
      },
    };
  },
};

/** Folders of the repository that are generated or installed, never linted. */
const ignores = ['node_modules/**', 'cdktf.out/**', 'cdktf.out.*/**', '.cdktf-tmp-*/**', 'coverage/**', '.gen/**', 'bench/results/**', '**/.terraform/**'];

export default tseslint.config(
  { ignores },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX, local: { rules: { 'no-cross-system': noCrossSystem } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/first': 'error',
      'local/no-cross-system': 'error',
      // `ready && start()` and `a ? b() : c()` are deliberate statements, not mistakes.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // tsc (noUnusedLocals/noUnusedParameters) already fails on unused code; `_name` marks intent.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read untyped synthesized Terraform JSON and plan output: `any` is the honest type there.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS configuration files.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
