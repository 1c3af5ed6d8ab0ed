import { Testing } from 'cdktf';
// Brings the global jest.Matchers declarations (toHaveResourceWithProperties...).
import 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();

// cdktf captures a full stack trace for every token it creates (cdktf/lib/tokens/private/stack-trace.js: into a
// plain `{ stack }` object, kept only for the message of a failed token resolution). Under jest each capture is
// formatted by source-map-support's prepareStackTrace, frame by frame through the source maps: about a third of
// every synth's CPU. Those plain objects get no text; real errors (anything with a message) keep their mapped trace.
const mappedStackTrace = Error.prepareStackTrace;
Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]): unknown =>
  typeof target === 'object' && target !== null && !('message' in target) ? '' : mappedStackTrace ? mappedStackTrace(target as Error, frames) : `${String(target)}\n    at ${frames.join('\n    at ')}`;
