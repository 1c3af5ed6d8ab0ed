/**
 * Entry of the worker image (`node worker.js summarize|serve`): starts the mode, stops it cleanly on SIGTERM
 * (ECS and Docker stop a container with SIGTERM) and exits 0; exits 2 on bad usage or configuration.
 */
import { jsonLog, startWorker } from './worker';

startWorker(process.argv[2], process.env).then(
  (worker) => {
    jsonLog.info('worker started', { command: process.argv[2], url: worker.url });
    const stop = () => {
      worker.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (e: Error) => {
    process.stderr.write(`worker: ${e.message}\n`);
    process.exit(2);
  },
);
