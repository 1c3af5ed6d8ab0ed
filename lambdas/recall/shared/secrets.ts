/** Reads a secret's current value once per cold start (Secrets Manager). */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export async function readSecret(secretArn: string, client = new SecretsManagerClient({})): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!out.SecretString) throw new Error(`secret ${secretArn} has no string value yet: put the value (see docs/recall.md, "Teams wiring")`);
  return out.SecretString;
}
