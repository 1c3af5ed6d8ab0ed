/**
 * `npm run local:onboarding -- [--port P] [--demo]`: starts local mode (system.ts) and prints one JSON line
 * { upload_url, report_link, vendor_id, vendor_token, ... } on stdout; runs until stopped (Ctrl-C). Every
 * notification (SNS stand-in) is printed to stderr as it is published.
 * --demo: uploads a sample CSV with three bad rows through upload-url, waits for the pipeline, prints the
 * upload's final state, the notification and the report (through the report link), then exits 0.
 */
import { runDemo } from './demo';
import { startLocalOnboarding } from './system';

interface Args {
  readonly port: number;
  readonly demo: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  let port = 0;
  let demo = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--demo') demo = true;
    else if (flag === '--port') {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port: received ${JSON.stringify(v ?? null)}; expected a port number 0-65535`);
      port = Number(v);
    } else throw new Error(`unknown option ${JSON.stringify(flag)}; expected --port P or --demo`);
  }
  return { port, demo };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`local:onboarding: ${(e as Error).message}\n`);
    process.exit(2);
  }
  // Handler logs (Powertools, JSON) would bury the output: warnings and errors only, unless set.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const system = await startLocalOnboarding({
    port: args.port,
    onNotification: (n) => process.stderr.write(`SNS publish (stand-in) ${n.TopicArn}\n  Subject: ${n.Subject}\n  ${(n.Message ?? '').trimEnd().replace(/\n/g, '\n  ')}\n`),
    onError: (err) => process.stderr.write(`local:onboarding: upload failed in the local wiring: ${err.message}\n`),
  });
  const endpoints = {
    upload_url: system.uploadUrl,
    report_link: system.reportLink,
    vendor_id: system.vendorId,
    vendor_token: system.vendorToken,
    s3: system.s3Endpoint,
    dynamodb: system.dynamoEndpoint,
    postgres: system.postgresUrl,
  };
  process.stdout.write(`${JSON.stringify(endpoints)}\n`);
  if (args.demo) {
    try {
      const r = await runDemo(system);
      process.stdout.write(`${JSON.stringify({ demo: { file: r.file, key: r.key, state: r.state, report_link: r.reportLink, report_link_status: r.reportLinkStatus } })}\n`);
      process.stdout.write(`\nnotification: ${r.notification?.subject}\n${r.notification?.message ?? '(none)\n'}\nerror report (through the report link):\n${r.report ?? "(none)\n"}`);
    } finally {
      await system.stop();
    }
    process.exit(0);
  }
  process.stderr.write(
    `local:onboarding: PostgreSQL 15 (catalog: ${system.catalog.migrations_applied.length} migrations, ${system.catalog.categories_changed} category rows changed, vendor ${system.vendorId}), ` +
      `dynalite, s3rver; stand-ins: S3 event (s3rver's), DynamoDB stream (Query, INSERT batches of 1000), SQS and SNS (aws-sdk-client-mock), Secrets Manager (keys in memory). ` +
      `Upload: curl -s -X POST ${system.uploadUrl} -H "authorization: Bearer $TOKEN" -d '{"file_name":"products.csv"}', then PUT the file to the returned url. Ctrl-C stops.\n`,
  );
  const stop = () => void system.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`local:onboarding failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
