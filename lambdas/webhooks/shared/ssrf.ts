/**
 * SSRF guard: a delivery URL is resolved and every address checked before each attempt; the connection then goes to
 * the checked address (no second lookup, so DNS rebinding cannot swap it). Refused: loopback, private (RFC 1918),
 * link-local (incl. cloud metadata 169.254.169.254), CGNAT 100.64/10, multicast, reserved and documentation ranges,
 * IPv6 ULA fc00::/7, link-local fe80::/10, IPv4-mapped forms of all of these. Local mode may allow-list addresses
 * explicitly (e.g. 127.0.0.1 for loopback receivers); a deployed stack never sets an allow-list.
 */
import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const BLOCKED_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const BLOCKED_V6: readonly [string, number][] = [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
];

const blocked = new BlockList();
for (const [a, p] of BLOCKED_V4) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of BLOCKED_V6) blocked.addSubnet(a, p, 'ipv6');

export interface SsrfPolicy {
  /** Require https:// (every deployed environment except dev). */
  readonly requireHttps: boolean;
  /** Addresses allowed although blocked (local mode only: e.g. ["127.0.0.1", "::1"]). */
  readonly allowAddresses: readonly string[];
}

export type Resolver = (host: string) => Promise<readonly { address: string; family: number }[]>;
export const systemResolver: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

export interface ResolverCacheOptions {
  /** How long an answer is reused. @default 30000 */
  readonly ttlMs?: number;
  /** Hosts kept; the oldest answer is dropped beyond this. @default 10000 */
  readonly maxHosts?: number;
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/**
 * A resolver that reuses each host's answer for `ttlMs` (getaddrinfo gives no TTL; 30 s is the JVM's default) and
 * shares one lookup between concurrent attempts to the same host; failures are not kept. Only the lookup is cached:
 * resolveSafe still checks every address of the (cached) answer on every attempt, and the connection goes to the
 * checked address, so a host whose answer turns private is refused at the latest one TTL later, and no connection
 * ever goes to an unchecked address.
 */
export function cachingResolver(resolve: Resolver = systemResolver, options: ResolverCacheOptions = {}): Resolver {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxHosts = options.maxHosts ?? 10_000;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { readonly expiresMs: number; readonly answer: Promise<readonly { address: string; family: number }[]> }>();
  return (host) => {
    const t = now();
    const hit = answers.get(host);
    if (hit && hit.expiresMs > t) return hit.answer;
    if (hit) answers.delete(host);
    const answer = resolve(host);
    if (answers.size >= maxHosts) answers.delete(answers.keys().next().value!);
    const entry = { expiresMs: t + ttlMs, answer };
    answers.set(host, entry);
    // A failed lookup is not kept: the next attempt asks again.
    answer.catch(() => {
      if (answers.get(host) === entry) answers.delete(host);
    });
    return answer;
  };
}

/** Verdicts by address: the check is a pure function of the address, and BlockList.check builds an object per call. */
const verdicts = new Map<string, boolean>();

/** True when the address is in a blocked range (IPv4-mapped IPv6 is checked as IPv4). */
export function isBlockedAddress(address: string): boolean {
  let v = verdicts.get(address);
  if (v === undefined) {
    if (verdicts.size >= 10_000) verdicts.clear();
    v = checkAddress(address);
    verdicts.set(address, v);
  }
  return v;
}

function checkAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class UrlRefused extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'UrlRefused';
  }
}

/** Checks the URL's form (scheme, no credentials) without resolving it. */
export function checkUrlForm(raw: string, policy: SsrfPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('url', `url: received ${JSON.stringify(raw)}; not a valid absolute URL`);
  }
  const allowed = policy.requireHttps ? ['https:'] : ['https:', 'http:'];
  if (!allowed.includes(url.protocol)) throw new UrlRefused('url', `url: received ${JSON.stringify(raw)}; expected ${policy.requireHttps ? 'an https:// URL (http is allowed only in dev)' : 'an http(s):// URL'}`);
  if (url.username || url.password) throw new UrlRefused('url', `url: received ${JSON.stringify(raw)}; credentials in the URL are not allowed`);
  return url;
}

/** Resolves the URL's host and returns the first allowed address; refuses the URL when any resolved address is blocked. */
export async function resolveSafe(raw: string, policy: SsrfPolicy, resolve: Resolver = systemResolver): Promise<{ url: URL; address: string; family: number }> {
  const url = checkUrlForm(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (e) {
      throw new UrlRefused('url', `url: host ${JSON.stringify(host)} does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  if (!addresses.length) throw new UrlRefused('url', `url: host ${JSON.stringify(host)} does not resolve`);
  const bad = addresses.find((a) => isBlockedAddress(a.address) && !policy.allowAddresses.includes(a.address));
  if (bad) throw new UrlRefused('url', `url: host ${JSON.stringify(host)} resolves to ${bad.address}, a private, loopback, link-local or reserved address`);
  return { url, address: addresses[0].address, family: addresses[0].family };
}
