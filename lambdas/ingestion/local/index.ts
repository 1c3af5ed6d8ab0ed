/**
 * `npm run local:ingestion -- [--port P]`: the ingestion API on 127.0.0.1 onto kinesalite (4 shards) with E1
 * writing to dynalite. Prints one JSON line { api, kinesis, dynamodb, table } and runs until stopped (Ctrl-C).
 * GET /_local/failures on the API lists what reached the on-failure stand-in.
 */
import { startLocalSystem } from './system';

function parsePort(argv: readonly string[]): number {
  const i = argv.indexOf('--port');
  const eq = argv.find((a) => a.startsWith('--port='));
  const raw = eq ? eq.slice('--port='.length) : i >= 0 ? argv[i + 1] : undefined;
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`local:ingestion: --port must be a whole number from 0 to 65535 (received ${JSON.stringify(raw)})\n`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const system = await startLocalSystem({ port: parsePort(process.argv.slice(2)) });
  process.stdout.write(`${JSON.stringify({ api: system.api.url, kinesis: system.kinesis.endpoint, dynamodb: system.dynamodb.endpoint, table: system.table })}\n`);
  const stop = () => {
    system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: Error) => {
  process.stderr.write(`local:ingestion: ${e.message}\n`);
  process.exit(1);
});
