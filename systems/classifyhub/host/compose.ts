import { Document, visit } from 'yaml';
import { HostRuntime, HOST_PATHS, PORTS, directEntryPoints, edgeServiceName } from './runtime';

type Healthcheck = { test: string[]; interval: string; start_period: string };
type DependsOn = Record<string, { condition: 'service_started' | 'service_healthy' }>;
/** Short list syntax when every dependency only has to be started. */
type DependsOnField = DependsOn | string[];

export interface ComposeService {
  image: string;
  restart: 'unless-stopped';
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: DependsOnField;
  healthcheck?: Healthcheck;
  ulimits?: Record<string, { soft: number; hard: number }>;
  stop_grace_period?: string;
  networks: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { driver: 'bridge'; internal?: boolean }>;
  secrets: Record<string, { file: string }>;
}

const DB = { name: 'classifyhub', user: 'classifyhub', replicationUser: 'replicator' } as const;

/** Health check every 15 s (Docker's defaults: 30 s timeout, 3 retries). */
function health(test: string[], startPeriod = '30s'): Healthcheck {
  return { test, interval: '15s', start_period: startPeriod };
}

/** HTTP health check of an application image: contract is GET /healthz on its port, with wget in the image. */
function httpHealth(port: number): Healthcheck {
  return health(['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${port}/healthz`]);
}

/**
 * The docker-compose model for a stage: which containers run, and how they are
 * wired. Pure function of the runtime inputs; rendered by renderCompose.
 */
export function composeModel(rt: HostRuntime): ComposeFile {
  const caps = rt.capabilities;
  const services: Record<string, ComposeService> = {};
  const secrets: Record<string, { file: string }> = { db_password: { file: `${HOST_PATHS.secrets}/db_password` } };

  services.postgres = {
    image: rt.images.postgres,
    restart: 'unless-stopped',
    environment: { POSTGRES_DB: DB.name, POSTGRES_USER: DB.user, POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
    secrets: ['db_password'],
    volumes: [`${HOST_PATHS.data}/postgres:/var/lib/postgresql/data`],
    healthcheck: health(['CMD', 'pg_isready', '-U', DB.user, '-d', DB.name]),
    stop_grace_period: '60s',
    networks: ['data'],
  };

  const backendEnv: Record<string, string> = {
    PORT: String(PORTS.backend),
    DATABASE_HOST: 'postgres',
    DATABASE_PORT: String(PORTS.postgres),
    DATABASE_NAME: DB.name,
    DATABASE_USER: DB.user,
    DATABASE_PASSWORD_FILE: '/run/secrets/db_password',
    AWS_REGION: rt.region,
  };
  const backendSecrets = ['db_password'];
  const backendDeps: DependsOn = { postgres: { condition: 'service_healthy' } };
  if (caps.auth) {
    secrets.jwt_signing_key = { file: `${HOST_PATHS.secrets}/jwt_signing_key` };
    backendSecrets.push('jwt_signing_key');
    backendEnv.JWT_SIGNING_KEY_FILE = '/run/secrets/jwt_signing_key';
  }
  if (caps.objectStorage) {
    backendEnv.IMAGES_BUCKET = rt.imagesBucket;
    backendEnv.UPLOAD_URL_TTL_SECONDS = '900';
  }
  if (caps.search) {
    backendEnv.SEARCH_URL = `http://search:${PORTS.search}`;
    backendDeps.search = { condition: 'service_healthy' };
    services.search = {
      image: rt.images.opensearch,
      restart: 'unless-stopped',
      environment: {
        'discovery.type': 'single-node',
        'bootstrap.memory_lock': 'true',
        DISABLE_SECURITY_PLUGIN: 'true',
        DISABLE_INSTALL_DEMO_CONFIG: 'true',
        OPENSEARCH_JAVA_OPTS: '-Xms512m -Xmx512m',
      },
      ulimits: { memlock: { soft: -1, hard: -1 }, nofile: { soft: 65536, hard: 65536 } },
      volumes: [`${HOST_PATHS.data}/opensearch:/usr/share/opensearch/data`],
      healthcheck: health(['CMD', 'curl', '-fsS', `http://127.0.0.1:${PORTS.search}/_cluster/health?wait_for_status=yellow&timeout=5s`], '90s'),
      networks: ['data'],
    };
  }
  if (caps.cache) {
    backendEnv.REDIS_URL = `redis://redis:${PORTS.redis}/0`;
    backendDeps.redis = { condition: 'service_healthy' };
    services.redis = {
      image: rt.images.redis,
      restart: 'unless-stopped',
      command: ['redis-server', '--appendonly', 'yes', '--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru'],
      volumes: [`${HOST_PATHS.data}/redis:/data`],
      healthcheck: health(['CMD', 'redis-cli', 'ping']),
      networks: ['data'],
    };
  }
  if (caps.asyncNotifications) {
    backendEnv.NOTIFICATION_QUEUE_URL = rt.notificationQueueUrl;
    services['notification-worker'] = {
      image: rt.images.worker,
      restart: 'unless-stopped',
      environment: {
        PORT: String(PORTS.worker),
        AWS_REGION: rt.region,
        NOTIFICATION_QUEUE_URL: rt.notificationQueueUrl,
        SES_FROM_ADDRESS: rt.senderEmail,
      },
      healthcheck: httpHealth(PORTS.worker),
      networks: ['egress'],
    };
  }
  if (caps.cdn && rt.cdnDomain) {
    backendEnv.PUBLIC_ASSET_BASE_URL = `https://${rt.cdnDomain}`;
  }
  if (caps.readReplica) {
    secrets.replication_password = { file: `${HOST_PATHS.secrets}/replication_password` };
    backendEnv.DATABASE_READ_HOST = 'postgres-replica';
    backendEnv.DATABASE_READ_WRITE_SPLIT = 'true';
    backendDeps['postgres-replica'] = { condition: 'service_healthy' };
    services.postgres.command = [
      'postgres',
      '-c', 'wal_level=replica',
      '-c', 'max_wal_senders=5',
      '-c', 'max_replication_slots=5',
      '-c', 'hot_standby=on',
      '-c', 'hba_file=/etc/classifyhub/postgres/pg_hba.conf',
    ];
    services.postgres.volumes!.push(`${HOST_PATHS.config}/postgres:/etc/classifyhub/postgres:ro`);
    services['postgres-replica'] = {
      image: rt.images.postgres,
      restart: 'unless-stopped',
      entrypoint: ['/etc/classifyhub/postgres/replica-entrypoint.sh'],
      environment: {
        PGDATA: '/var/lib/postgresql/data',
        PRIMARY_HOST: 'postgres',
        PRIMARY_SUPERUSER: DB.user,
        REPLICATION_USER: DB.replicationUser,
        REPLICATION_SLOT: 'replica_1',
      },
      secrets: ['db_password', 'replication_password'],
      volumes: [`${HOST_PATHS.data}/postgres-replica:/var/lib/postgresql/data`, `${HOST_PATHS.config}/postgres:/etc/classifyhub/postgres:ro`],
      depends_on: { postgres: { condition: 'service_healthy' } },
      healthcheck: health(['CMD', 'pg_isready', '-U', DB.user, '-d', DB.name], '120s'),
      stop_grace_period: '60s',
      networks: ['data'],
    };
  }

  services.backend = {
    image: rt.images.backend,
    restart: 'unless-stopped',
    environment: backendEnv,
    secrets: backendSecrets,
    depends_on: backendDeps,
    healthcheck: httpHealth(PORTS.backend),
    networks: ['edge', 'data', 'egress'],
  };

  const direct = directEntryPoints(caps);
  if (caps.frontend) {
    // Stages 3-6: the SPA calls the API and search on their own ports (absolute URLs); from 7 through the gateway (same origin).
    const frontendEnv: Record<string, string> = direct.api
      ? { PORT: String(PORTS.frontend), API_BASE_URL: `https://${rt.appDomain}:${direct.api}/api`, ...(direct.search ? { SEARCH_URL: `https://${rt.appDomain}:${direct.search}/search` } : {}) }
      : { PORT: String(PORTS.frontend), API_BASE_PATH: '/api' };
    services.frontend = {
      image: rt.images.frontend,
      restart: 'unless-stopped',
      environment: frontendEnv,
      healthcheck: httpHealth(PORTS.frontend),
      networks: ['edge'],
    };
  }

  // Started, not healthy: the edge must come up (ACME, health page) even while an app is down.
  const edgeDeps = ['backend', ...(caps.frontend ? ['frontend'] : []), ...(caps.rateLimiting ? ['redis'] : [])];
  services[edgeServiceName(caps)] = {
    image: rt.images.gateway,
    restart: 'unless-stopped',
    // Reload every 6 hours to pick up renewed certificates.
    command: ['/bin/sh', '-c', '(while sleep 21600; do openresty -s reload; done) & exec openresty -g "daemon off;"'],
    ports: ['80:80', '443:443', ...Object.values(direct).map((port) => `${port}:${port}`)],
    volumes: [
      `${HOST_PATHS.config}/gateway/nginx.conf:/usr/local/openresty/nginx/conf/nginx.conf:ro`,
      `${HOST_PATHS.tls}:/etc/classifyhub/tls:ro`,
      `${HOST_PATHS.acmeWebroot}:/var/www/acme:ro`,
      ...(caps.rateLimiting ? [`${HOST_PATHS.config}/gateway/lua:/etc/classifyhub/lua:ro`] : []),
    ],
    depends_on: edgeDeps,
    healthcheck: health(['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${PORTS.gatewayHealth} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3`]),
    // Search and the rate-limit counters live on the internal data network.
    networks: caps.search || caps.rateLimiting ? ['edge', 'data'] : ['edge'],
  };
  services.acme = {
    image: rt.images.acme,
    restart: 'unless-stopped',
    entrypoint: ['/bin/sh', '/etc/classifyhub/acme/renew.sh'],
    environment: { ACME_DOMAIN: rt.appDomain, ACME_EMAIL: rt.acmeEmail },
    volumes: [`${HOST_PATHS.data}/letsencrypt:/etc/letsencrypt`, `${HOST_PATHS.acmeWebroot}:/var/www/acme`, `${HOST_PATHS.tls}:/tls`, `${HOST_PATHS.config}/acme:/etc/classifyhub/acme:ro`],
    healthcheck: health(['CMD', 'test', '-s', '/tls/fullchain.pem']),
    networks: ['egress'],
  };

  // No top-level "name": the project is named after its folder, /opt/classifyhub.
  return {
    services: sortKeys(services),
    networks: {
      // Internet-facing proxies and the services they route to.
      edge: { driver: 'bridge' },
      // Databases and caches: no route out of the host.
      data: { driver: 'bridge', internal: true },
      // Services that call AWS APIs or the ACME CA.
      egress: { driver: 'bridge' },
    },
    secrets: sortKeys(secrets),
  };
}

/** The docker-compose.yml text for a stage. */
export function renderCompose(rt: HostRuntime): string {
  const header = '# Generated by systems/classifyhub/host/compose.ts; do not edit on the host.\n';
  const doc = new Document(composeModel(rt));
  // Lists of scalars (commands, ports, volumes) on one line: half the bytes of user data.
  visit(doc, {
    Seq: (_key, node) => void (node.flow = true),
    // "80:80" is a number in base 60 to YAML 1.1 parsers: always quote port mappings.
    Scalar: (_key, node) => void (typeof node.value === 'string' && /^\d+:\d+$/.test(node.value) && (node.type = 'QUOTE_DOUBLE')),
  });
  return header + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
