/**
 * kinesalite in its own process (the benchmark runs it beside the pipeline, on the other core):
 * `node --require tsx/cjs kinesalite-process.ts --port P [--stock]`. Prints "listening <port>" when ready.
 * Sequence-number arithmetic is sped up ({@link speedUpKinesalite}) unless --stock.
 */
import { speedUpKinesalite } from './kinesalite-speedup';
import { KINESALITE_OPTIONS } from './servers';

const argv = process.argv.slice(2);
const port = Number(argv[argv.indexOf('--port') + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`kinesalite-process: --port must be a whole number from 0 to 65535 (received ${JSON.stringify(argv[argv.indexOf('--port') + 1])})\n`);
  process.exit(2);
}
if (!argv.includes('--stock')) speedUpKinesalite();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite = require('kinesalite') as (opts: typeof KINESALITE_OPTIONS) => import('node:http').Server;
const server = kinesalite(KINESALITE_OPTIONS).listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
