/**
 * `npm run local:webhooks -- [--port P] [--retry-schedule 1,2,4] [--allow 127.0.0.1,::1] [--timeout-ms 15000]
 * [--event-types a.b,c.d|any]`: starts local mode and prints one JSON line { api, token }; runs until stopped (Ctrl-C).
 */
import devEnvironment from '../../../environments/dev';
import { parseSchedule } from '../shared/retry';
import { startLocal, type LocalOptions } from './server';

function parseArgs(argv: readonly string[]): LocalOptions {
  const o: { -readonly [K in keyof LocalOptions]: LocalOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag}: received nothing; expected a value`);
      i++;
      return value;
    };
    switch (flag) {
      case '--port': {
        const v = need();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port: received ${JSON.stringify(v)}; expected a port number 0-65535`);
        o.port = Number(v);
        break;
      }
      case '--retry-schedule':
        o.retryScheduleSeconds = parseSchedule(need()).slice(1);
        break;
      case '--allow':
        o.allowAddresses = need().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--timeout-ms': {
        const v = need();
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--timeout-ms: received ${JSON.stringify(v)}; expected a whole number of milliseconds >= 1`);
        o.timeoutMs = Number(v);
        break;
      }
      case '--event-types': {
        const v = need();
        o.eventTypes = v === 'any' ? null : v.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      }
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}; expected --port, --retry-schedule, --allow, --timeout-ms or --event-types`);
    }
  }
  // The event type catalog of dev (environments/dev.ts), unless --event-types says otherwise ("any": no catalog).
  if (o.eventTypes === undefined) o.eventTypes = (devEnvironment as { webhooks?: { eventTypes?: string[] } }).webhooks?.eventTypes ?? null;
  return o;
}

async function main(): Promise<void> {
  let options: LocalOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`local:webhooks: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const system = await startLocal(options);
  process.stdout.write(`${JSON.stringify({ api: system.api, token: system.token })}\n`);
  process.stderr.write(
    `local:webhooks: DynamoDB on dynalite (${system.dynamoEndpoint}); queue: in-process SQS stand-in (visibility, receive count, DLQ, delay); ` +
      `deliveries allowed to loopback/private addresses: ${(options.allowAddresses ?? ['127.0.0.1', '::1']).join(', ')} (local mode only). ` +
      `event types: ${options.eventTypes ? options.eventTypes.join(', ') : 'any'}. DLQ: GET ${system.api}/_local/dlq, POST ${system.api}/_local/dlq/redrive. Ctrl-C stops.\n`,
  );
  const stop = () => void system.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
