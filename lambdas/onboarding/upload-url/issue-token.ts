/**
 * Issues a vendor's upload token (an operator's stand-in for a vendor portal):
 *
 *   VENDOR_TOKEN_KEY=<the secret's value> npm run onboarding:vendor-token -- VEND001 [--days 30]
 *   VENDOR_TOKEN_KEY_SECRET_ARN=<arn> npm run onboarding:vendor-token -- VEND001   # reads the key from Secrets Manager
 *
 * Prints the token (an HS256 JWT, `sub` = the vendor id, `aud` = onboarding-vendor-upload) on stdout.
 * The vendor sends it as `Authorization: Bearer <token>` to the upload-url endpoint.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { issueVendorToken, keyFromSecretValue, SigningKeyStore } from '../shared/tokens';

const VENDOR_ID = /^[A-Za-z0-9_-]{1,50}$/;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const args = [...argv];
  const daysAt = args.indexOf('--days');
  const daysRaw = daysAt >= 0 ? args.splice(daysAt, 2)[1] : '30';
  const days = Number(daysRaw);
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error(`--days must be a whole number from 1 to 365, got "${daysRaw}"`);
  const [vendorId, ...rest] = args;
  if (!vendorId || rest.length > 0 || !VENDOR_ID.test(vendorId)) {
    throw new Error(`usage: onboarding:vendor-token -- <vendor_id> [--days N]; vendor_id is 1-50 letters, digits, "_" or "-", got ${JSON.stringify(args.join(' '))}`);
  }
  let key: Uint8Array | undefined;
  if (env.VENDOR_TOKEN_KEY) key = keyFromSecretValue(env.VENDOR_TOKEN_KEY, 'VENDOR_TOKEN_KEY');
  else if (env.VENDOR_TOKEN_KEY_SECRET_ARN) {
    key = await new SigningKeyStore(new SecretsManagerClient({}), env.VENDOR_TOKEN_KEY_SECRET_ARN).get();
    if (!key) throw new Error(`secret ${env.VENDOR_TOKEN_KEY_SECRET_ARN} has no value yet: put one (at least 32 characters) first`);
  } else throw new Error('set VENDOR_TOKEN_KEY (the key itself) or VENDOR_TOKEN_KEY_SECRET_ARN (the stack output vendor_token_key_secret_arn)');
  return issueVendorToken(key, vendorId, days * 86_400);
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (token) => console.log(token),
    (err: Error) => {
      console.error(`onboarding:vendor-token: ${err.message}`);
      process.exit(1);
    },
  );
}
