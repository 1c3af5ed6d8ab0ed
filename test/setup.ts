import { Testing } from 'cdktf';
// Brings the global jest.Matchers declarations (toHaveResourceWithProperties...).
import 'cdktf/lib/testing/adapters/jest';
import { skipCreationStacks } from '../scripts/lib/synth';

Testing.setupJest();

/**
 * cdktf captures a full-depth stack trace for every token it creates (cdktf/lib/tokens/private/stack-trace.js,
 * into a plain `{ stack: '' }` object), read only to decorate the message of a token that fails to resolve. Tests
 * skip those captures, as synth does (scripts/lib/synth.ts): errors (anything with a message) keep their
 * source-mapped traces, and other captures (depd's) are untouched. 12 synths of classifyhub-prod took 6.8 instead of 8.6 CPU-seconds (2026-12-04), against
 * capturing the frames and blanking their text, which is what this file did before. `SYNTH_CREATION_STACKS=1`
 * keeps the traces. Each test file runs in its own context, so the change never leaks between files;
 * test/scripts/synth.test.ts calls this to test synth's own handling with the real capture.
 */
export const restoreCreationStacks = skipCreationStacks();
