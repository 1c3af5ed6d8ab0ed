/**
 * Secrets Manager rotation of the key rings (endpoint-secret wrapping keys, JWT keys): the four steps of a rotation
 * Lambda. createSecret puts AWSPENDING = the current ring plus a new key (a first rotation, right after the secret is
 * created without a value, puts a fresh ring); setSecret has nothing to push (readers fetch the ring); testSecret
 * checks the pending ring parses, still holds every key it must keep, and seals/opens with the new key; finishSecret
 * moves AWSCURRENT to the pending version.
 */
import { newKeyring, open, parseKeyring, rotateKeyring, seal, type Keyring } from '../shared/keyring';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
}

/** The Secrets Manager calls the rotation needs (SDK adapter in index.ts; in-memory fake in the tests). */
export interface SecretsPort {
  /** Version id → stages, and whether rotation is enabled. */
  describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, readonly string[]> }>;
  /** The value of a stage or version; undefined when there is none. */
  getValue(secretId: string, by: { stage: string } | { versionId: string }): Promise<string | undefined>;
  putPending(secretId: string, token: string, value: string): Promise<void>;
  /** Moves AWSCURRENT to `token` (from `fromVersion`, if any). */
  promote(secretId: string, token: string, fromVersion: string | undefined): Promise<void>;
}

export interface RotationDeps {
  readonly secrets: SecretsPort;
  /** Keys a new ring keeps (null: all), by secret id; an existing ring keeps its own `retain`. */
  readonly retainFor: (secretId: string) => number | null;
  readonly now: () => Date;
}

export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<string> {
  const { SecretId: id, ClientRequestToken: token, Step: step } = event;
  const d = await deps.secrets.describe(id);
  if (!d.rotationEnabled) throw new Error(`secret ${id}: rotation is not enabled`);
  const stages = d.versions[token];
  if (!stages) throw new Error(`secret ${id}: version ${token} does not exist`);
  if (stages.includes('AWSCURRENT') && step !== 'finishSecret') return `${step}: version ${token} is already AWSCURRENT`;
  if (!stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT')) throw new Error(`secret ${id}: version ${token} is not AWSPENDING`);

  switch (step) {
    case 'createSecret': {
      if ((await deps.secrets.getValue(id, { versionId: token })) !== undefined) return 'createSecret: pending value already present';
      const current = await deps.secrets.getValue(id, { stage: 'AWSCURRENT' });
      const ring: Keyring = current === undefined ? newKeyring(deps.now(), deps.retainFor(id)) : rotateKeyring(parseKeyring(current, `secret ${id} AWSCURRENT`), deps.now());
      await deps.secrets.putPending(id, token, JSON.stringify(ring));
      return `createSecret: ${current === undefined ? 'first key ring' : `key ring of ${ring.keys.length} keys`} put as AWSPENDING`;
    }
    case 'setSecret':
      return 'setSecret: nothing to configure (the functions read the ring)';
    case 'testSecret': {
      const pending = parseKeyring(await deps.secrets.getValue(id, { versionId: token }), `secret ${id} AWSPENDING`);
      const currentText = await deps.secrets.getValue(id, { stage: 'AWSCURRENT' });
      if (currentText !== undefined) {
        const current = parseKeyring(currentText, `secret ${id} AWSCURRENT`);
        const mustKeep = pending.retain === null ? current.keys : current.keys.slice(-Math.max(0, pending.retain - 1));
        const lost = mustKeep.filter((k) => !pending.keys.some((p) => p.kid === k.kid && p.key === k.key));
        if (lost.length) throw new Error(`testSecret: the pending ring dropped key(s) ${lost.map((k) => k.kid).join(', ')}`);
      }
      const probe = `probe-${token}`;
      if (open(pending, seal(pending, probe)) !== probe) throw new Error('testSecret: seal/open round trip failed');
      return 'testSecret: pending ring valid';
    }
    case 'finishSecret': {
      const current = Object.entries(d.versions).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (current === token) return 'finishSecret: already current';
      await deps.secrets.promote(id, token, current);
      return `finishSecret: ${token} is AWSCURRENT`;
    }
    default:
      throw new Error(`rotation step: received ${JSON.stringify(step)}; expected createSecret, setSecret, testSecret or finishSecret`);
  }
}
