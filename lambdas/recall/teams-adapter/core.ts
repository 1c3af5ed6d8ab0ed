/**
 * Teams adapter core: one recall event -> one Adaptive Card POSTed to the channel's Workflows URL.
 * The URL must be https:// (PermanentDeliveryError otherwise), the payload at most 28 KB
 * (CardTooLargeError), and 429 answers wait for Retry-After (shared/http.ts).
 */
import { checkDeliveryUrl, postJson, type PostOptions, type PostResult } from '../shared/http';
import type { RecallEvent } from '../shared/events';
import { checkTeamsSize, teamsPayload, type TeamsMessage } from './card';

/** The Workflows URL from the secret: {"url": "https://..."} or the bare URL. */
export function workflowsUrlFromSecret(secret: string): string {
  const text = secret.trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { url?: unknown };
    if (typeof parsed.url !== 'string') throw new Error('Teams secret: expected {"url": "https://..."} (a JSON object with a string "url")');
    return parsed.url;
  }
  return text;
}

export async function postRecallEventToTeams(url: string, event: RecallEvent, options: PostOptions = {}): Promise<PostResult> {
  checkDeliveryUrl(url, 'Teams Workflows URL', options.allowLoopbackHttp);
  return postJson(url, teamsPayload(event), options);
}

/** Posts a ready-made message (teams-test): same URL and size checks. */
export async function postTeamsMessage(url: string, message: TeamsMessage, options: PostOptions = {}): Promise<PostResult> {
  checkDeliveryUrl(url, 'Teams Workflows URL', options.allowLoopbackHttp);
  return postJson(url, checkTeamsSize(message), options);
}
