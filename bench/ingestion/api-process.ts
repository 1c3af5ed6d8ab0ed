/**
 * The local API (models + VTL templates -> PutRecords) in its own process for the benchmark, as API Gateway is its
 * own service in AWS: `node --require tsx/cjs api-process.ts --kinesis <endpoint> --stream <name>`. Prints
 * "listening <url>" when ready; exits on SIGTERM. In the benchmark's own process, its synchronous template rendering
 * (hundreds of ms per 500-record request on the loaded 2-core machine) held up the consumers' event loop.
 */
import { startLocalApi } from '../../lambdas/ingestion/local/api';

const argv = process.argv.slice(2);
const arg = (name: string): string => {
  const value = argv[argv.indexOf(name) + 1];
  if (!argv.includes(name) || !value) {
    process.stderr.write(`api-process: ${name} is required (received ${JSON.stringify(argv)})\n`);
    process.exit(2);
  }
  return value;
};
const kinesisEndpoint = arg('--kinesis');
const streamName = arg('--stream');
startLocalApi({ kinesisEndpoint, streamName }).then(
  (api) => {
    process.stdout.write(`listening ${api.url}\n`);
    process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
  },
  (e: Error) => {
    process.stderr.write(`api-process: ${e.message}\n`);
    process.exit(1);
  },
);
