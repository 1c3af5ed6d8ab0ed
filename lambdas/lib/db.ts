/**
 * PostgreSQL connections for the Lambdas and the migration runner.
 *
 * Resolution order:
 *  1. DATABASE_URL (local runs, tests, the benchmark);
 *  2. DB_SECRET_ARN: a Secrets Manager secret `{ username, password, host, port, dbname }` (the
 *     seed's ecommerce/rds/credentials, or the RDS-managed master secret, which has only username
 *     and password, so DB_HOST/DB_NAME are needed then). DB_HOST, DB_PORT and DB_NAME override the
 *     secret's fields. The secret is cached for an hour (seed section 8) and re-read by new
 *     connections after that, so a rotated password is picked up without a cold start;
 *  3. the libpq variables PGHOST, PGDATABASE, … that `pg` reads itself.
 *
 * TLS (DB_SSL_MODE): `verify-full` (default with DB_SECRET_ARN; needs the RDS CA, e.g.
 * NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem or a bundled global-bundle.pem), `require`
 * (encrypted, certificate not checked) or `disable`.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pool, type PoolConfig } from 'pg';

interface DbSecret {
  username: string;
  password: string;
  host?: string;
  port?: number | string;
  dbname?: string;
}

const SECRET_TTL_MS = 3600_000;

/** Secrets Manager read with a one-hour in-memory cache. */
export class SecretCache {
  private value?: { secret: DbSecret; at: number };
  constructor(
    private readonly arn: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<DbSecret> {
    if (this.value && this.now() - this.value.at < SECRET_TTL_MS) return this.value.secret;
    const res = await this.client.send(new GetSecretValueCommand({ SecretId: this.arn }));
    if (!res.SecretString) throw new Error(`secret ${this.arn} has no SecretString`);
    let parsed: DbSecret;
    try {
      parsed = JSON.parse(res.SecretString) as DbSecret;
    } catch {
      throw new Error(`secret ${this.arn} is not JSON`);
    }
    if (!parsed.username || !parsed.password) throw new Error(`secret ${this.arn} must have "username" and "password"`);
    this.value = { secret: parsed, at: this.now() };
    return parsed;
  }
}

function sslFor(mode: string | undefined, fallback: 'verify-full' | 'disable'): PoolConfig['ssl'] {
  switch (mode ?? fallback) {
    case 'verify-full':
      return { rejectUnauthorized: true };
    case 'require':
      return { rejectUnauthorized: false };
    case 'disable':
      return false;
    default:
      throw new Error(`DB_SSL_MODE must be verify-full, require or disable, got "${mode}"`);
  }
}

/** A small pool (one Lambda invocation at a time needs one or two connections). */
export async function createPoolFromEnv(env: NodeJS.ProcessEnv = process.env, max = Number(env.DB_POOL_MAX ?? 2)): Promise<Pool> {
  const common: PoolConfig = { max, idleTimeoutMillis: 60_000, connectionTimeoutMillis: 10_000, application_name: env.POWERTOOLS_SERVICE_NAME ?? 'onboarding' };
  if (env.DATABASE_URL) {
    return new Pool({ ...common, connectionString: env.DATABASE_URL, ...(env.DB_SSL_MODE ? { ssl: sslFor(env.DB_SSL_MODE, 'disable') } : {}) });
  }
  if (env.DB_SECRET_ARN) {
    const cache = new SecretCache(env.DB_SECRET_ARN);
    const secret = await cache.get();
    const host = env.DB_HOST ?? secret.host;
    const database = env.DB_NAME ?? secret.dbname;
    if (!host || !database) throw new Error('database: set DB_HOST and DB_NAME (the secret has no host/dbname)');
    return new Pool({
      ...common,
      host,
      port: Number(env.DB_PORT ?? secret.port ?? 5432),
      database,
      user: secret.username,
      // A function: every new connection asks the cache, so rotation is picked up within an hour.
      password: async () => (await cache.get()).password,
      ssl: sslFor(env.DB_SSL_MODE, 'verify-full'),
    });
  }
  if (env.PGHOST || env.PGDATABASE) return new Pool(common);
  throw new Error('database: set DATABASE_URL, DB_SECRET_ARN (+ DB_HOST/DB_NAME) or PGHOST/PGDATABASE');
}
