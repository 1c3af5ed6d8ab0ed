/** Helpers of the recall Lambda tests: notification bodies and a seeded random generator. */
import type { Priority } from '../../../lambdas/recall/shared/notification';

export function notificationBody(id: string, priority?: Priority, channel: 'email' | 'sms' | 'push' = 'email'): string {
  const recipient = channel === 'email' ? { email: `store-${id.replace(/[^a-z0-9]/gi, '')}@example.com` } : channel === 'sms' ? { phoneNumber: '+14155550100' } : { endpointArn: 'arn:aws:sns:us-east-1:111111111111:endpoint/APNS/recall/abc' };
  return JSON.stringify({ notificationId: id, recallId: 'R-1', ...(priority ? { priority } : {}), channel, recipient, subject: `Recall R-1 (${id})`, message: 'Remove lot 42 from the shelves.' });
}

/** Mulberry32: deterministic pseudo-random numbers for property tests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
