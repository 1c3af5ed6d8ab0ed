/**
 * kinesalite in its own process (the benchmark runs it beside the pipeline, on the other core):
 * `node --require tsx/cjs kinesalite-process.ts --port P [--stock] [--warm-up]`. Prints "listening <port>" when ready.
 * Sequence-number arithmetic is sped up ({@link speedUpKinesalite}) unless --stock.
 *
 * --warm-up: before listening on P, a throwaway kinesalite on a random port gets 4,000 records put (PutRecords of
 * 500) and read back (GetRecords) over HTTP, then is closed, so the emulator's code is compiled (V8's JIT) before the
 * benchmark's first request, as a running Kinesis service would be. The store the benchmark uses starts empty.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { speedUpKinesalite } from './kinesalite-speedup';
import { KINESALITE_OPTIONS, createStream, kinesisClient } from './servers';

const argv = process.argv.slice(2);
const port = Number(argv[argv.indexOf('--port') + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`kinesalite-process: --port must be a whole number from 0 to 65535 (received ${JSON.stringify(argv[argv.indexOf('--port') + 1])})\n`);
  process.exit(2);
}
if (!argv.includes('--stock')) speedUpKinesalite();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite = require('kinesalite') as (opts: typeof KINESALITE_OPTIONS) => Server;

async function warmUp(): Promise<void> {
  const scratch = kinesalite(KINESALITE_OPTIONS);
  await new Promise<void>((r) => scratch.listen(0, '127.0.0.1', r));
  const kc = kinesisClient(`http://127.0.0.1:${(scratch.address() as AddressInfo).port}`);
  try {
    await createStream(kc, 'warm-up', 4);
    for (let round = 0; round < 8; round++) {
      const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `warm-up-${round}-${i}`, Data: Buffer.from(JSON.stringify({ id: `warm-up-${round}-${i}`, receivedAt: Date.now(), data: { i } })) }));
      await kc.send(new PutRecordsCommand({ StreamName: 'warm-up', Records: records }));
    }
    for (let shard = 0; shard < 4; shard++) {
      let it = (await kc.send(new GetShardIteratorCommand({ StreamName: 'warm-up', ShardId: `shardId-00000000000${shard}`, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (let n = 0; n < 3 && it; n++) it = (await kc.send(new GetRecordsCommand({ ShardIterator: it, Limit: 500 }))).NextShardIterator;
    }
    await kc.send(new DeleteStreamCommand({ StreamName: 'warm-up' }));
  } finally {
    kc.destroy();
    await new Promise<void>((r) => scratch.close(() => r()));
  }
}

(argv.includes('--warm-up') ? warmUp() : Promise.resolve()).then(
  () => {
    const server = kinesalite(KINESALITE_OPTIONS).listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  },
  (e: Error) => {
    process.stderr.write(`kinesalite-process: warm-up failed: ${e.message}\n`);
    process.exit(1);
  },
);
