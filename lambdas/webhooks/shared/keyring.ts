/**
 * Signing material kept in Secrets Manager, as a key ring (JSON): `{ version: 1, keys: [{ kid, key, createdAt }], retain }`.
 * The newest key is current; older keys stay so what they protected can still be read (wrapped endpoint secrets:
 * retain none; JWT keys: retain 2, i.e. tokens of the previous key verify until the next rotation). The rotation
 * Lambda adds a key (rotate-keys/core.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface RingKey {
  readonly kid: string;
  /** base64 of 32 random bytes. */
  readonly key: string;
  readonly createdAt: string;
}

export interface Keyring {
  readonly version: 1;
  readonly keys: readonly RingKey[];
  /** Keys kept after a rotation (the newest); null keeps every key. */
  readonly retain: number | null;
}

export function newKey(now: Date): RingKey {
  return { kid: `k${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() };
}

export function newKeyring(now: Date, retain: number | null): Keyring {
  return { version: 1, keys: [newKey(now)], retain };
}

/** The ring with one more (current) key, trimmed to `retain`. */
export function rotateKeyring(ring: Keyring, now: Date): Keyring {
  const keys = [...ring.keys, newKey(now)];
  return { ...ring, keys: ring.retain === null ? keys : keys.slice(-Math.max(1, ring.retain)) };
}

/** Parses and checks a key ring; the error names the problem (never the key material). */
export function parseKeyring(text: string | undefined, where = 'key ring'): Keyring {
  let v: Keyring;
  try {
    v = JSON.parse(text ?? '') as Keyring;
  } catch {
    throw new Error(`${where}: not JSON`);
  }
  if (v?.version !== 1 || !Array.isArray(v.keys) || v.keys.length === 0) throw new Error(`${where}: expected { version: 1, keys: [...] } with at least one key`);
  for (const k of v.keys) {
    if (typeof k.kid !== 'string' || typeof k.key !== 'string' || Buffer.from(k.key, 'base64').length !== 32) throw new Error(`${where}: key ${JSON.stringify(k.kid)} is not 32 bytes of base64`);
  }
  return v;
}

export const currentKey = (ring: Keyring): RingKey => ring.keys[ring.keys.length - 1];

export function keyById(ring: Keyring, kid: string): RingKey | undefined {
  return ring.keys.find((k) => k.kid === kid);
}

/** AES-256-GCM with the current key: "<kid>.<iv>.<tag>.<ciphertext>" (base64url parts). */
export function seal(ring: Keyring, plaintext: string): string {
  const k = currentKey(ring);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(k.key, 'base64'), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [k.kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function open(ring: Keyring, sealed: string): string {
  const [kid, iv, tag, data] = sealed.split('.');
  const k = keyById(ring, kid);
  if (!k) throw new Error(`sealed value: key ${JSON.stringify(kid)} is not in the key ring`);
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(k.key, 'base64'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Seals and opens endpoint secrets (the store keeps only sealed values). */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/**
 * A box over the current key ring. Opened values are kept (up to `maxOpened`, by sealed value) so a warm function
 * does not decrypt an endpoint's secret on every delivery; a kept value is returned only while the ring still holds
 * the very key that sealed it (same kid, same key material), so a value whose key left the ring fails as before.
 */
export function keyringBox(ring: () => Keyring, options: { readonly maxOpened?: number } = {}): SecretBox {
  const maxOpened = options.maxOpened ?? 10_000;
  const opened = new Map<string, { readonly key: string; readonly plaintext: string }>();
  return {
    seal: (p) => seal(ring(), p),
    open: (sealed) => {
      const r = ring();
      const hit = opened.get(sealed);
      if (hit && keyById(r, sealed.slice(0, sealed.indexOf('.')))?.key === hit.key) return hit.plaintext;
      const plaintext = open(r, sealed);
      if (opened.size >= maxOpened) opened.clear();
      opened.set(sealed, { key: keyById(r, sealed.slice(0, sealed.indexOf('.')))!.key, plaintext });
      return plaintext;
    },
  };
}
