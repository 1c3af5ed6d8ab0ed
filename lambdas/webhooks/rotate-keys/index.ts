/** Lambda entry point (bundled by the stack): Secrets Manager rotation of the key rings (core.ts). */
import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { rotate, type RotationEvent, type SecretsPort } from './core';

const sm = new SecretsManagerClient({});
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rotate-keys' });

const port: SecretsPort = {
  async describe(secretId) {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    return { rotationEnabled: d.RotationEnabled === true, versions: Object.fromEntries(Object.entries(d.VersionIdsToStages ?? {}).map(([k, v]) => [k, v ?? []])) };
  },
  async getValue(secretId, by) {
    try {
      const r = await sm.send(new GetSecretValueCommand({ SecretId: secretId, ...('stage' in by ? { VersionStage: by.stage } : { VersionId: by.versionId, VersionStage: 'AWSPENDING' }) }));
      return r.SecretString;
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return undefined;
      throw e;
    }
  },
  async putPending(secretId, token, value) {
    await sm.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }));
  },
  async promote(secretId, token, fromVersion) {
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: fromVersion }));
  },
};

/** RETAIN_KEYS: JSON { "<secret name>": keys kept (null: all) } for the first ring of each secret. */
const retainByName = JSON.parse(process.env.RETAIN_KEYS ?? '{}') as Record<string, number | null>;
const retainFor = (secretId: string): number | null => {
  const name = Object.keys(retainByName).find((n) => secretId === n || secretId.includes(`:secret:${n}-`));
  return name === undefined ? null : retainByName[name];
};

export async function handler(event: RotationEvent): Promise<void> {
  const result = await rotate(event, { secrets: port, retainFor, now: () => new Date() });
  logger.info(result, { secretId: event.SecretId, step: event.Step });
}
