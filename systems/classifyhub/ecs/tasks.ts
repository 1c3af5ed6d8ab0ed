import type { ContainerProps } from '../../../modules/service';
import type { ISecretReference } from '../../../modules/secret';
import type { Capabilities } from '../stages';
import { ECS_PORTS } from './runtime';
import { ECS_GATEWAY_LUA_DIR, ecsRateLimitLua, renderEcsGatewayConfig } from './gateway';

/**
 * Everything the ECS task definitions of ClassifyHub depend on. Endpoint values
 * may be Terraform tokens (RDS address, ElastiCache endpoint); the container
 * contract is the one of the Docker host (systems/classifyhub/host/compose.ts),
 * so the same application images run on both.
 */
export interface EcsTaskInputs {
  readonly capabilities: Capabilities;
  readonly region: string;
  readonly vpcCidr: string;
  readonly images: {
    readonly backend: string;
    readonly frontend: string;
    readonly worker: string;
    readonly gateway: string;
    readonly searchSigner: string;
    readonly awsCli: string;
  };
  readonly database: {
    readonly host: string;
    readonly readHost?: string;
    readonly port: number;
    readonly name: string;
    readonly user: string;
    /** RDS-managed master secret (JSON with "password"). */
    readonly secret: ISecretReference;
  };
  readonly redis: { readonly host: string; readonly port: number; readonly authToken: ISecretReference };
  /** OpenSearch domain endpoint host name (no scheme). */
  readonly searchHost: string;
  readonly jwtSigningKeySecretName: string;
  readonly imagesBucket?: string;
  readonly notificationQueueUrl?: string;
  readonly senderEmail: string;
  readonly cdnDomain?: string;
  readonly rateLimitPerMinute: number;
  /** CloudWatch namespace the backend publishes application metrics to (stage 13 on). */
  readonly metricsNamespace?: string;
}

/** Scratch volume the backend's init container fills with secret files (gone with the task). */
export const SECRETS_VOLUME = 'secrets';
const SECRETS_PATH = '/run/secrets';

const httpHealth = (port: number): readonly string[] => ['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${port}/healthz`];

/**
 * The backend task: an init container that writes the secrets as files (the
 * `*_FILE` contract of the Docker host) - creating the JWT signing key in
 * Secrets Manager on first start, so no secret value is ever in Terraform - and
 * the backend itself.
 */
export function backendContainers(i: EcsTaskInputs): ContainerProps[] {
  const caps = i.capabilities;
  // Fetch-or-create: the only writer of the JWT key; never overwrites a value.
  const initScript = [
    'set -eu',
    // Readable by the backend whatever user its image runs as; the volume exists only inside this task.
    'umask 022',
    `printf '%s' "$DB_PASSWORD" > ${SECRETS_PATH}/db_password`,
    `printf '%s' "$REDIS_AUTH_TOKEN" > ${SECRETS_PATH}/redis_auth_token`,
    ...(caps.auth
      ? [
          `if ! aws secretsmanager get-secret-value --secret-id "$JWT_SECRET" --query SecretString --output text > ${SECRETS_PATH}/jwt_signing_key 2>/dev/null; then`,
          `  aws secretsmanager put-secret-value --secret-id "$JWT_SECRET" --secret-string "$(aws secretsmanager get-random-password --password-length 64 --exclude-punctuation --query RandomPassword --output text)" > /dev/null`,
          `  aws secretsmanager get-secret-value --secret-id "$JWT_SECRET" --query SecretString --output text > ${SECRETS_PATH}/jwt_signing_key`,
          'fi',
        ]
      : []),
  ].join('\n');
  const env: Record<string, string> = {
    PORT: String(ECS_PORTS.backend),
    AWS_REGION: i.region,
    DATABASE_HOST: i.database.host,
    DATABASE_PORT: String(i.database.port),
    DATABASE_NAME: i.database.name,
    DATABASE_USER: i.database.user,
    DATABASE_PASSWORD_FILE: `${SECRETS_PATH}/db_password`,
    // rds.force_ssl is on; libpq-compatible clients honour PGSSLMODE.
    PGSSLMODE: 'require',
    REDIS_URL: `rediss://${i.redis.host}:${i.redis.port}/0`,
    REDIS_AUTH_TOKEN_FILE: `${SECRETS_PATH}/redis_auth_token`,
    SEARCH_URL: `https://${i.searchHost}`,
    SEARCH_AUTH: 'aws-sigv4',
  };
  if (caps.auth) env.JWT_SIGNING_KEY_FILE = `${SECRETS_PATH}/jwt_signing_key`;
  if (i.imagesBucket) {
    env.IMAGES_BUCKET = i.imagesBucket;
    env.UPLOAD_URL_TTL_SECONDS = '900';
  }
  if (i.notificationQueueUrl) env.NOTIFICATION_QUEUE_URL = i.notificationQueueUrl;
  if (i.cdnDomain) env.PUBLIC_ASSET_BASE_URL = `https://${i.cdnDomain}`;
  if (i.metricsNamespace) env.METRICS_NAMESPACE = i.metricsNamespace;
  if (i.database.readHost) {
    env.DATABASE_READ_HOST = i.database.readHost;
    env.DATABASE_READ_WRITE_SPLIT = 'true';
  }
  const mount = { volume: SECRETS_VOLUME, path: SECRETS_PATH };
  return [
    {
      name: 'secrets-init',
      image: i.images.awsCli,
      essential: false,
      entryPoint: ['/bin/sh', '-c'],
      command: [initScript],
      environment: { AWS_REGION: i.region, ...(caps.auth ? { JWT_SECRET: i.jwtSigningKeySecretName } : {}) },
      secrets: { DB_PASSWORD: { secret: i.database.secret, jsonKey: 'password' }, REDIS_AUTH_TOKEN: { secret: i.redis.authToken } },
      mountPoints: [mount],
    },
    {
      name: 'backend',
      image: i.images.backend,
      port: ECS_PORTS.backend,
      portName: 'http',
      environment: env,
      healthCheckCommand: httpHealth(ECS_PORTS.backend),
      dependsOn: [{ containerName: 'secrets-init', condition: 'SUCCESS' }],
      mountPoints: [{ ...mount, readOnly: true }],
    },
  ];
}

export function frontendContainers(i: EcsTaskInputs): ContainerProps[] {
  return [
    {
      name: 'frontend',
      image: i.images.frontend,
      port: ECS_PORTS.frontend,
      portName: 'http',
      environment: { PORT: String(ECS_PORTS.frontend), API_BASE_PATH: '/api' },
      healthCheckCommand: httpHealth(ECS_PORTS.frontend),
    },
  ];
}

export function workerContainers(i: EcsTaskInputs): ContainerProps[] {
  return [
    {
      name: 'notification-worker',
      image: i.images.worker,
      port: ECS_PORTS.worker,
      environment: {
        PORT: String(ECS_PORTS.worker),
        AWS_REGION: i.region,
        NOTIFICATION_QUEUE_URL: i.notificationQueueUrl ?? '',
        SES_FROM_ADDRESS: i.senderEmail,
      },
      healthCheckCommand: httpHealth(ECS_PORTS.worker),
    },
  ];
}

/**
 * The API gateway task: stock OpenResty whose nginx.conf and Lua limiter come
 * from environment variables written to disk at start. /search goes to the
 * search service (searchContainers).
 */
export function gatewayContainers(i: EcsTaskInputs): ContainerProps[] {
  const caps = i.capabilities;
  const conf = renderEcsGatewayConfig({
    vpcCidr: i.vpcCidr,
    frontend: caps.frontend,
    search: caps.search,
    rateLimitPerMinute: caps.rateLimiting ? i.rateLimitPerMinute : undefined,
    redisPort: i.redis.port,
  });
  const start = [
    `printf '%s' "$NGINX_CONF" > /usr/local/openresty/nginx/conf/nginx.conf`,
    ...(caps.rateLimiting ? [`mkdir -p ${ECS_GATEWAY_LUA_DIR}/classifyhub`, `printf '%s' "$RATELIMIT_LUA" > ${ECS_GATEWAY_LUA_DIR}/classifyhub/ratelimit.lua`] : []),
    'exec openresty -g "daemon off;"',
  ].join(' && ');
  return [
    {
      name: 'api-gateway',
      image: i.images.gateway,
      port: ECS_PORTS.gateway,
      portName: 'http',
      entryPoint: ['/bin/sh', '-c'],
      command: [start],
      // nginx writes its config, temp files and pid at start.
      readonlyRootFilesystem: false,
      environment: {
        NGINX_CONF: conf,
        ...(caps.rateLimiting ? { RATELIMIT_LUA: ecsRateLimitLua(i.redis.port), REDIS_HOST: i.redis.host } : {}),
      },
      secrets: caps.rateLimiting ? { REDIS_AUTH_TOKEN: { secret: i.redis.authToken } } : undefined,
      // The image has bash but no curl or wget (same check as on the Docker host).
      healthCheckCommand: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${ECS_PORTS.gateway} && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && grep -q ' 200 ' <&3`],
    },
  ];
}

/**
 * The search service (seed 001 stage 12 "ECS Tasks (API Gateway, Backend,
 * Search, ...)"): the SigV4-signing proxy that forwards the gateway's /search
 * queries to OpenSearch with its own task role, which may only search the
 * posts index. Only the gateway reaches it (security group), by its Service
 * Connect name "search".
 */
export function searchContainers(i: EcsTaskInputs): ContainerProps[] {
  return [
    {
      name: 'search-signer',
      image: i.images.searchSigner,
      port: ECS_PORTS.searchSigner,
      portName: 'http',
      command: ['--name', 'es', '--region', i.region, '--host', i.searchHost, '--port', `:${ECS_PORTS.searchSigner}`],
    },
  ];
}
