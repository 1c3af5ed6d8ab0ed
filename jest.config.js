/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // swc strips types only (tsc -p tsconfig.json type-checks before jest in npm test): 2-3x faster than ts-jest.
  transform: { '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }], '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  // jose 6 ships ES modules only: swc turns them into CommonJS for jest (esbuild bundles them for Lambda).
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // The whole synthesized tree, made once per run for the tests that read all of it (test/support/synthesized.ts).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // The Terraform tier and the other long suites start first (test/sequencer.js).
  testSequencer: '<rootDir>/test/sequencer.js',
  testTimeout: 60000,
  // One worker per core; the Terraform tier (test/scripts/terraform.test.ts) runs its group plans two at a time inside its worker.
  maxWorkers: 2,
  maxConcurrency: 2,
};
