/**
 * `npm run recall:teams-test -- --url <workflows-url> [--card <file.json>] [--insecure-loopback]`
 * Posts one sample recall card (or the card / message in <file.json>) to a Teams Workflows URL
 * through the adapter's real code (URL check, 28 KB limit, 429 Retry-After handling): what an
 * operator runs when wiring a channel. The card is checked with the adaptivecards parser first.
 * Refuses non-HTTPS URLs (--insecure-loopback allows http://127.0.0.1 for a local receiver only).
 */
import * as fs from 'node:fs';
import { postTeamsMessage } from '../teams-adapter/core';
import { CardTooLargeError, recallCard, teamsEnvelope, TEAMS_MAX_BYTES, payloadBytes, type TeamsMessage } from '../teams-adapter/card';
import { validateAdaptiveCard } from './card-check';
import { SAMPLE_EVENT } from './sample';

function value(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

function messageFrom(file: string | undefined): TeamsMessage {
  if (!file) return teamsEnvelope(recallCard({ ...SAMPLE_EVENT, title: `[TEST] ${SAMPLE_EVENT.title}`, summary: `Test card sent by recall:teams-test at ${new Date().toISOString()}. ${SAMPLE_EVENT.summary}` }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--card ${file}: cannot read a JSON file (${(err as Error).message})`);
  }
  const p = parsed as { type?: string };
  if (p.type === 'message') return parsed as TeamsMessage;
  if (p.type === 'AdaptiveCard') return teamsEnvelope(parsed as Record<string, unknown>);
  throw new Error(`--card ${file}: expected an Adaptive Card ({"type":"AdaptiveCard",...}) or a Teams message ({"type":"message",...}); received type ${JSON.stringify(p.type)}`);
}

async function main(): Promise<number> {
  const url = value('url');
  if (!url) throw new Error('usage: npm run recall:teams-test -- --url <https://...workflows URL> [--card <file.json>]');
  const message = messageFrom(value('card'));
  const bytes = payloadBytes(message);
  if (bytes > TEAMS_MAX_BYTES) throw new CardTooLargeError(bytes);
  const problems = validateAdaptiveCard(message.attachments[0]?.content);
  if (problems.length) throw new Error(`the card is not a valid Adaptive Card: ${problems.join('; ')}`);
  console.log(`card: Adaptive Card ${String(message.attachments[0].content.version)}, ${bytes} bytes of ${TEAMS_MAX_BYTES} allowed; checked with the adaptivecards parser`);
  const result = await postTeamsMessage(url, message, { allowLoopbackHttp: process.argv.includes('--insecure-loopback') });
  console.log(`posted: HTTP ${result.status} after ${result.attempts} attempt(s)${result.waitsMs.length ? `, waited ${result.waitsMs.join(', ')} ms (Retry-After / back-off)` : ''}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`recall:teams-test: ${(err as Error).message}`);
    process.exit(1);
  },
);
