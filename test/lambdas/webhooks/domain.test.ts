/** Pure domain of the webhooks system: retry schedule, SSRF guard, circuit breaker, signatures, key rings, JWT, rotation. */
import { Webhook } from 'standardwebhooks';
import { SignJWT } from 'jose';
import { DEFAULT_RETRY_POLICY, SVIX_SCHEDULE_SECONDS, delayBeforeAttempt, hopDelaySeconds, parseRetryAfter, parseSchedule } from '../../../lambdas/webhooks/shared/retry';
import { cachingResolver, isBlockedAddress, resolveSafe, type Resolver } from '../../../lambdas/webhooks/shared/ssrf';
import { CLOSED, permit, record, visibleState, type BreakerPolicy } from '../../../lambdas/webhooks/shared/breaker';
import { generateEndpointSecret, signatureHeaders } from '../../../lambdas/webhooks/shared/signing';
import { keyringBox, newKeyring, open, parseKeyring, rotateKeyring, seal, type Keyring } from '../../../lambdas/webhooks/shared/keyring';
import { authorizerPolicy, issueToken, verifyToken } from '../../../lambdas/webhooks/shared/auth';
import { rotate, type SecretsPort } from '../../../lambdas/webhooks/rotate-keys/core';
import { decodeCursor, encodeCursor } from '../../../lambdas/webhooks/list-events/core';
import { parseJsonBody, validateBody } from '../../../lambdas/webhooks/shared/validate';

describe('retry schedule', () => {
  test("Svix's schedule by default, jitter within ±20 %, exhausted after 8 attempts", () => {
    expect(DEFAULT_RETRY_POLICY.scheduleSeconds).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(delayBeforeAttempt(DEFAULT_RETRY_POLICY, 3, undefined, 0)).toBeCloseTo(240);
    expect(delayBeforeAttempt(DEFAULT_RETRY_POLICY, 3, undefined, 0.999999)).toBeCloseTo(360, 2);
    expect(delayBeforeAttempt(DEFAULT_RETRY_POLICY, 8, undefined, 0.5)).toBe(36000);
    expect(delayBeforeAttempt(DEFAULT_RETRY_POLICY, SVIX_SCHEDULE_SECONDS.length + 1, undefined, 0.5)).toBeNull();
  });

  test('Retry-After raises the delay (seconds or HTTP date), capped', () => {
    expect(delayBeforeAttempt(DEFAULT_RETRY_POLICY, 2, 120, 0.5)).toBe(120);
    expect(delayBeforeAttempt(DEFAULT_RETRY_POLICY, 2, 10 ** 9, 0.5)).toBe(86_400);
    expect(parseRetryAfter('30', 0)).toBe(30);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  test('waits beyond 15 minutes hop in steps of at most 900 s', () => {
    expect(hopDelaySeconds(10 * 3600 * 1000, 0)).toBe(900);
    expect(hopDelaySeconds(300_500, 0)).toBe(301);
    expect(parseSchedule('1,2,4')).toEqual([0, 1, 2, 4]);
    expect(() => parseSchedule('1,x')).toThrow(/--retry-schedule: received "1,x"/);
  });
});

describe('SSRF guard', () => {
  test.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '224.0.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1'])('%s is blocked', (a) => {
    expect(isBlockedAddress(a)).toBe(true);
  });
  test.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('%s is allowed', (a) => expect(isBlockedAddress(a)).toBe(false));

  test('resolved addresses are checked; allow-list only by exact address; https outside dev', async () => {
    const resolve = async (host: string) => (host === 'evil.example' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }] : [{ address: '93.184.216.34', family: 4 }]);
    await expect(resolveSafe('https://evil.example/h', { requireHttps: true, allowAddresses: [] }, resolve)).rejects.toThrow(/resolves to 10\.0\.0\.5/);
    await expect(resolveSafe('http://good.example/h', { requireHttps: true, allowAddresses: [] }, resolve)).rejects.toThrow(/https:\/\/ URL/);
    await expect(resolveSafe('https://good.example/h', { requireHttps: true, allowAddresses: [] }, resolve)).resolves.toMatchObject({ address: '93.184.216.34' });
    await expect(resolveSafe('http://127.0.0.1:9/h', { requireHttps: false, allowAddresses: [] }, resolve)).rejects.toThrow(/127\.0\.0\.1/);
    await expect(resolveSafe('http://127.0.0.1:9/h', { requireHttps: false, allowAddresses: ['127.0.0.1'] }, resolve)).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(resolveSafe('https://nx.invalid/h', { requireHttps: true, allowAddresses: [] }, async () => { throw Object.assign(new Error('x'), { code: 'ENOTFOUND' }); })).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
  });
});

describe('resolver cache (the lookup is cached, the check is not)', () => {
  function dnsStub(initial: string) {
    const answers = new Map<string, string>([['hooks.example', initial]]);
    const lookups: string[] = [];
    const resolve: Resolver = async (host) => {
      lookups.push(host);
      const a = answers.get(host);
      if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [{ address: a, family: 4 }];
    };
    return { answers, lookups, resolve };
  }
  const policy = { requireHttps: true, allowAddresses: [] };

  test('an answer is reused within the TTL; concurrent attempts share one lookup', async () => {
    let now = 0;
    const dns = dnsStub('93.184.216.34');
    const cached = cachingResolver(dns.resolve, { ttlMs: 30_000, now: () => now });
    const targets = await Promise.all(Array.from({ length: 5 }, () => resolveSafe('https://hooks.example/in', policy, cached)));
    expect(targets.map((t) => t.address)).toEqual(Array(5).fill('93.184.216.34'));
    now = 29_999;
    await resolveSafe('https://hooks.example/in', policy, cached);
    expect(dns.lookups).toEqual(['hooks.example']);
  });

  test('a host whose answer turns private is refused once the TTL has run out', async () => {
    let now = 0;
    const dns = dnsStub('93.184.216.34');
    const cached = cachingResolver(dns.resolve, { ttlMs: 30_000, now: () => now });
    await expect(resolveSafe('https://hooks.example/in', policy, cached)).resolves.toMatchObject({ address: '93.184.216.34' });
    dns.answers.set('hooks.example', '10.0.0.5');
    now = 30_000;
    await expect(resolveSafe('https://hooks.example/in', policy, cached)).rejects.toThrow(/resolves to 10\.0\.0\.5, a private/);
    // And it stays refused while the private answer is the cached one.
    now = 45_000;
    await expect(resolveSafe('https://hooks.example/in', policy, cached)).rejects.toThrow(/resolves to 10\.0\.0\.5/);
    expect(dns.lookups).toHaveLength(2);
  });

  test('a cached answer is checked on every attempt: the allow-list decides each time', async () => {
    const dns = dnsStub('127.0.0.1');
    const cached = cachingResolver(dns.resolve, { ttlMs: 30_000, now: () => 0 });
    await expect(resolveSafe('http://hooks.example/in', { requireHttps: false, allowAddresses: ['127.0.0.1'] }, cached)).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(resolveSafe('http://hooks.example/in', { requireHttps: false, allowAddresses: [] }, cached)).rejects.toThrow(/resolves to 127\.0\.0\.1/);
    expect(dns.lookups).toHaveLength(1);
  });

  test('failures are not kept; the oldest host goes beyond maxHosts', async () => {
    const dns = dnsStub('93.184.216.34');
    dns.answers.delete('hooks.example');
    const cached = cachingResolver(dns.resolve, { ttlMs: 30_000, maxHosts: 2, now: () => 0 });
    await expect(resolveSafe('https://hooks.example/in', policy, cached)).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
    dns.answers.set('hooks.example', '93.184.216.34');
    await expect(resolveSafe('https://hooks.example/in', policy, cached)).resolves.toMatchObject({ address: '93.184.216.34' });
    dns.answers.set('a.example', '93.184.216.35');
    dns.answers.set('b.example', '93.184.216.36');
    await cached('a.example');
    await cached('b.example');
    await cached('hooks.example');
    expect(dns.lookups).toEqual(['hooks.example', 'hooks.example', 'a.example', 'b.example', 'hooks.example']);
  });
});

describe('circuit breaker', () => {
  const p: BreakerPolicy = { windowSeconds: 300, minRequests: 10, failureRatio: 0.7, coolDownSeconds: 60 };
  test('opens at 70 % failures over >= 10 requests, probes after the cool-down, closes on success', () => {
    let s = CLOSED;
    for (let i = 0; i < 3; i++) s = record(s, true, 1000, p);
    for (let i = 0; i < 6; i++) s = record(s, false, 1000, p);
    expect(s.state).toBe('closed'); // 6/9 and fewer than 10 requests
    s = record(s, false, 1000, p); // 7/10 = 70 %
    expect(s.state).toBe('open');
    expect(permit(s, 30_000)).toEqual({ allowed: false, retryAtMs: 61_000 });
    expect(visibleState(s, 30_000)).toBe('open');
    expect(permit(s, 61_000)).toEqual({ allowed: true, probe: true });
    const reopened = record(s, false, 61_000, p);
    expect(reopened).toMatchObject({ state: 'open', openUntilMs: 121_000 });
    expect(record(reopened, true, 121_000, p).state).toBe('closed');
  });
  test('the window restarts after 5 minutes', () => {
    let s = CLOSED;
    for (let i = 0; i < 9; i++) s = record(s, false, 0, p);
    s = record(s, false, 300_000, p);
    expect(s).toMatchObject({ state: 'closed', requests: 1, failures: 1 });
  });
});

describe('signatures (standardwebhooks)', () => {
  test('verify with the official library; during rotation each secret verifies', () => {
    const a = generateEndpointSecret();
    const b = generateEndpointSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'invoice.paid', data: { n: 1 } });
    const headers = signatureHeaders('evt_1', new Date(), body, [a, b]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(b).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateEndpointSecret()).verify(body, headers)).toThrow(/No matching signature/);
    const old = signatureHeaders('evt_1', new Date(Date.now() - 10 * 60_000), body, [a]);
    expect(() => new Webhook(a).verify(body, old)).toThrow(/too old/);
  });

  test('byte for byte the official library\'s signature (node:crypto HMAC, key imported once per secret)', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const bodies = ['{}', JSON.stringify({ type: 'x', data: { name: 'Zoë ✓ 日本', emoji: '🙂', n: 1.5 } }), 'x'.repeat(70_000)];
    for (const secret of [generateEndpointSecret(), `whsec_${Buffer.alloc(24, 7).toString('base64')}`, `whsec_${Buffer.alloc(64, 9).toString('base64')}`]) {
      for (const body of bodies) {
        for (let i = 0; i < 2; i++) expect(signatureHeaders(`msg_${i}`, at, body, [secret])['webhook-signature']).toBe(new Webhook(secret).sign(`msg_${i}`, at, body));
      }
    }
    expect(() => signatureHeaders('evt_1', at, '{}', [])).toThrow(/no secret to sign message evt_1/);
  });
});

describe('key rings', () => {
  test('seal/open across rotations; retain trims; parse errors never show key material', () => {
    let ring = newKeyring(new Date(0), null);
    const sealed = seal(ring, 'whsec_abc');
    ring = rotateKeyring(ring, new Date(1));
    expect(open(ring, sealed)).toBe('whsec_abc');
    expect(seal(ring, 'x').split('.')[0]).toBe(ring.keys[1].kid);
    const jwt = rotateKeyring(rotateKeyring(newKeyring(new Date(0), 2), new Date(1)), new Date(2));
    expect(jwt.keys).toHaveLength(2);
    expect(() => parseKeyring('{"version":1,"keys":[{"kid":"a","key":"c2hvcnQ="}]}')).toThrow(/key "a" is not 32 bytes/);
  });

  test('the box keeps opened values only while the ring still holds the key that sealed them', () => {
    let ring: Keyring = newKeyring(new Date(0), null);
    let reads = 0;
    const box = keyringBox(() => (reads++, ring));
    const sealed = box.seal('whsec_abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    ring = rotateKeyring(ring, new Date(1));
    expect(box.open(sealed)).toBe('whsec_abc');
    // The sealing key leaves the ring: the kept value is not returned.
    ring = { ...ring, keys: ring.keys.slice(1) };
    expect(() => box.open(sealed)).toThrow(/is not in the key ring/);
    // Same kid, other key material: not returned either (the real decryption fails).
    const kid = sealed.split('.')[0];
    ring = { ...ring, keys: [{ kid, key: Buffer.alloc(32, 1).toString('base64'), createdAt: 'x' }, ...ring.keys] };
    expect(() => box.open(sealed)).toThrow();
    expect(reads).toBeGreaterThanOrEqual(6);
  });
});

describe('JWT (jose)', () => {
  const settings = { issuer: 'iss', audience: 'aud' };
  const ring = newKeyring(new Date(), 2);
  const keys = { kind: 'keyring' as const, ring: async () => ring };
  test('valid token → principal; expired, wrong role, unknown kid, tampered → 401 with the reason', async () => {
    const t = await issueToken(ring, { sub: 'acme', role: 'publisher' }, settings);
    await expect(verifyToken(`Bearer ${t}`, keys, settings)).resolves.toEqual({ sub: 'acme', role: 'publisher' });
    const expired = await issueToken(ring, { sub: 'acme', role: 'publisher' }, settings, 60, Date.now() - 3600_000);
    await expect(verifyToken(`Bearer ${expired}`, keys, settings)).rejects.toThrow(/token expired/);
    const k = Buffer.from(ring.keys[0].key, 'base64');
    const badRole = await new SignJWT({ role: 'root' }).setProtectedHeader({ alg: 'HS256', kid: ring.keys[0].kid }).setSubject('x').setIssuer('iss').setAudience('aud').setExpirationTime('1h').sign(k);
    await expect(verifyToken(badRole, keys, settings)).rejects.toThrow(/claim role received "root"/);
    const other = await issueToken(newKeyring(new Date(), 2), { sub: 'x', role: 'admin' }, settings);
    await expect(verifyToken(other, keys, settings)).rejects.toThrow(/key id .* is not known/);
    await expect(verifyToken(`${t.slice(0, -2)}xx`, keys, settings)).rejects.toThrow(/signature or format invalid/);
    await expect(verifyToken(undefined, keys, settings)).rejects.toThrow(/received nothing/);
  });
  test('a token of the previous key verifies after a rotation', async () => {
    const t = await issueToken(ring, { sub: 'a', role: 'reader' }, settings);
    const rotated = rotateKeyring(ring, new Date());
    await expect(verifyToken(t, { kind: 'keyring', ring: async () => rotated }, settings)).resolves.toMatchObject({ role: 'reader' });
  });
  test('authorizer policy lists exactly the methods of the role', () => {
    const arn = 'arn:aws:execute-api:us-east-1:111111111111:abc123/v1/GET/events';
    const reader = authorizerPolicy(arn, { sub: 'r', role: 'reader' }).policyDocument.Statement[0].Resource;
    expect(reader).toEqual(['arn:aws:execute-api:us-east-1:111111111111:abc123/v1/GET/endpoints', 'arn:aws:execute-api:us-east-1:111111111111:abc123/v1/GET/events', 'arn:aws:execute-api:us-east-1:111111111111:abc123/v1/GET/events/*']);
    const publisher = authorizerPolicy(arn, { sub: 'p', role: 'publisher' }, 'key-p');
    expect(publisher.policyDocument.Statement[0].Resource).toContain('arn:aws:execute-api:us-east-1:111111111111:abc123/v1/POST/events/*/replay');
    expect(publisher.policyDocument.Statement[0].Resource).not.toContain('arn:aws:execute-api:us-east-1:111111111111:abc123/v1/POST/endpoints');
    expect(publisher.usageIdentifierKey).toBe('key-p');
  });
});

/** Secrets Manager's version-stage semantics, in memory. */
function fakeSecrets(initial?: string): SecretsPort & { versions: Map<string, { value?: string; stages: string[] }> } {
  const versions = new Map<string, { value?: string; stages: string[] }>();
  if (initial !== undefined) versions.set('v0', { value: initial, stages: ['AWSCURRENT'] });
  return {
    versions,
    async describe() {
      return { rotationEnabled: true, versions: Object.fromEntries([...versions].map(([k, v]) => [k, v.stages])) };
    },
    async getValue(_id, by) {
      const v = 'stage' in by ? [...versions.values()].find((x) => x.stages.includes(by.stage)) : versions.get(by.versionId);
      return v?.value;
    },
    async putPending(_id, token, value) {
      versions.set(token, { value, stages: ['AWSPENDING'] });
    },
    async promote(_id, token, from) {
      if (from) versions.get(from)!.stages = ['AWSPREVIOUS'];
      versions.get(token)!.stages = ['AWSCURRENT'];
    },
  };
}

describe('rotation Lambda core', () => {
  const steps = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
  async function runRotation(port: SecretsPort & { versions: Map<string, { value?: string; stages: string[] }> }, token: string, retain: number | null) {
    port.versions.set(token, { stages: ['AWSPENDING'] });
    for (const Step of steps) await rotate({ SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:webhooks-dev/jwt-keys-AbCdEf', ClientRequestToken: token, Step }, { secrets: port, retainFor: () => retain, now: () => new Date() });
  }
  test('first rotation creates the ring; later rotations add a key and keep what must stay', async () => {
    const port = fakeSecrets();
    await runRotation(port, 't1', 2);
    const first = parseKeyring(await port.getValue('s', { stage: 'AWSCURRENT' }));
    expect(first.keys).toHaveLength(1);
    const sealed = seal(first, 'secret');
    await runRotation(port, 't2', 2);
    await runRotation(port, 't3', 2);
    const third = parseKeyring(await port.getValue('s', { stage: 'AWSCURRENT' }));
    expect(third.keys).toHaveLength(2);
    expect(third.keys[0].kid).not.toBe(first.keys[0].kid);
    const wrap = fakeSecrets(JSON.stringify(first));
    await runRotation(wrap, 't9', null);
    const all = parseKeyring(await wrap.getValue('s', { stage: 'AWSCURRENT' }));
    expect(all.keys).toHaveLength(2);
    expect(open(all, sealed)).toBe('secret');
    expect(port.versions.get('t2')!.stages).toEqual(['AWSPREVIOUS']);
  });
  test('testSecret refuses a pending ring that dropped a key; a repeated step is harmless', async () => {
    const ring = newKeyring(new Date(), null);
    const port = fakeSecrets(JSON.stringify(ring));
    port.versions.set('bad', { value: JSON.stringify(newKeyring(new Date(), null)), stages: ['AWSPENDING'] });
    await expect(rotate({ SecretId: 's', ClientRequestToken: 'bad', Step: 'testSecret' }, { secrets: port, retainFor: () => null, now: () => new Date() })).rejects.toThrow(/dropped key/);
    await expect(rotate({ SecretId: 's', ClientRequestToken: 'bad', Step: 'createSecret' }, { secrets: port, retainFor: () => null, now: () => new Date() })).resolves.toMatch(/already present/);
    await expect(rotate({ SecretId: 's', ClientRequestToken: 'nope', Step: 'createSecret' }, { secrets: port, retainFor: () => null, now: () => new Date() })).rejects.toThrow(/does not exist/);
  });
});

describe('request validation and cursors', () => {
  test('400 messages name the field and the value received', () => {
    expect(() => parseJsonBody('{"url": ')).toThrow(/body: malformed JSON/);
    expect(() => validateBody('CreateEndpoint', { url: 'https://x.example/h' })).toThrow(/eventTypes: received nothing; required/);
    expect(() => validateBody('CreateEndpoint', { url: 'https://x.example/h', eventTypes: ['ok.type', 'Bad Type'] })).toThrow(/eventTypes\[1\]: received "Bad Type"/);
    expect(() => validateBody('CreateEvent', { type: 'a.b', payload: 'x' })).toThrow(/payload: received "x"; must be object/);
    expect(() => validateBody('CreateEvent', { type: 'a.b', payload: {}, extra: 1 })).toThrow(/extra: unknown field/);
  });
  test('cursors are opaque, checked, and bound to their filter', () => {
    const c = encodeCursor({ id: 'evt_1', createdAt: 'x' }, 'a.b|');
    expect(decodeCursor(c, 'a.b|')).toEqual({ id: 'evt_1', createdAt: 'x' });
    expect(() => decodeCursor(c, '|failed')).toThrow(/cursor: belongs to a listing with other filters/);
    expect(() => decodeCursor('garbage!', '|')).toThrow(/cursor: received "garbage!"/);
  });
});
