/**
 * Longest suites first. Jest orders a run by the durations it cached from earlier runs, and on a fresh clone
 * (CI: no cache) by file size, which would start the Terraform tier (a short file that runs for minutes) near
 * the end and leave one worker idle while it finishes. These suites start first, in this order; every other
 * suite keeps Jest's own order after them.
 */
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = [
  'test/scripts/terraform.test.ts',
  'test/scripts/promote.test.ts',
  'test/scripts/plan-artifact.test.ts',
  'test/environments/environments.test.ts',
  'test/modules/guardrails.test.ts',
  'test/environments/bad-input.test.ts',
  'test/scripts/diff.test.ts',
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = FIRST.findIndex((suffix) => test.path.split('\\').join('/').endsWith(suffix));
      return i === -1 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keeps Jest's order.
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
