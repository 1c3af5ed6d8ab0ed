import { HostRuntime, HOST_PATHS } from './runtime';
import { HostFile, hostFiles } from './files';

/** Docker Compose plugin installed on the host, pinned. */
export const COMPOSE_PLUGIN_VERSION = 'v2.29.7';

/**
 * SHA-256 of the compose plugin binaries of COMPOSE_PLUGIN_VERSION, per `uname -m`, committed here so
 * the host checks the download against a value from this repository, never against a checksum
 * fetched from the same place as the binary. Values of the release's published
 * `docker-compose-linux-<arch>.sha256` assets; when changing the version, take the new values
 * from the release page and compare them with a second source.
 */
export const COMPOSE_PLUGIN_SHA256: Readonly<Record<'x86_64' | 'aarch64', string>> = {
  x86_64: '383ce6698cd5d5bbf958d2c8489ed75094e34a77d340404d9f32c4ae9e12baf0',
  aarch64: '6e9fbd5daa20dca5d7d89145081ae8155d68ef2928b497d9f85b54fe0f9dbb2c',
};

const BOUNDARY = '==CLASSIFYHUB-BOUNDARY==';

/**
 * Cloud-init user data of the Docker host: a MIME multi-part document whose
 * cloud-config runs the boot script on *every* boot (scripts-user always).
 * EC2 stops and starts the instance when user data changes, so a promotion
 * re-applies the new compose file to the same host and data volume.
 *
 * The text contains no Terraform tokens: everything is derived from the
 * environment, so tests can read it straight from the synthesized JSON.
 */
export function renderUserData(rt: HostRuntime): string {
  const cloudConfig = ['#cloud-config', 'cloud_final_modules:', '  - [scripts-user, always]', ''].join('\n');
  return [
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    'MIME-Version: 1.0',
    '',
    `--${BOUNDARY}`,
    'Content-Type: text/cloud-config; charset="us-ascii"',
    '',
    cloudConfig,
    `--${BOUNDARY}`,
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    '',
    bootScript(rt),
    `--${BOUNDARY}--`,
    '',
  ].join('\n');
}

/** Splits rendered user data back into the files it writes (for tests and reviewers). */
export function filesInUserData(userData: string): Map<string, string> {
  const files = new Map<string, string>();
  const re = /^cat > (\S+) <<'(CLASSIFYHUB_EOF_\d+)'\n([\s\S]*?)\n\2$/gm;
  for (const m of userData.matchAll(re)) files.set(m[1], m[3] + '\n');
  return files;
}

function writeFile(file: HostFile, n: number): string {
  const marker = `CLASSIFYHUB_EOF_${n}`;
  if (file.content.includes(marker)) throw new Error(`${file.path} contains the heredoc marker ${marker}`);
  const dir = file.path.slice(0, file.path.lastIndexOf('/'));
  return [`mkdir -p ${dir}`, `cat > ${file.path} <<'${marker}'`, file.content.replace(/\n$/, ''), marker, `chmod ${file.mode} ${file.path}`].join('\n');
}

function bootScript(rt: HostRuntime): string {
  const caps = rt.capabilities;
  const secrets = [`ensure_secret ${rt.secrets.dbPassword} db_password`];
  if (caps.auth) secrets.push(`ensure_secret ${rt.secrets.jwtSigningKey} jwt_signing_key`);
  if (caps.readReplica) secrets.push(`ensure_secret ${rt.secrets.replicationPassword} replication_password`);
  const dataDirs = ['postgres', 'letsencrypt', 'tls', 'acme-webroot'];
  if (caps.readReplica) dataDirs.push('postgres-replica');
  if (caps.cache) dataDirs.push('redis');
  if (caps.search) dataDirs.push('opensearch');

  return `#!/bin/bash
# ClassifyHub Docker host bootstrap; runs on every boot and is idempotent.
set -euo pipefail
exec >>/var/log/classifyhub-boot.log 2>&1
echo "boot $(date -u +%FT%TZ)"
REGION=${rt.region}

# Docker engine, awslogs as the default log driver, and the pinned compose plugin.
dnf install -y -q docker
mkdir -p /etc/docker /usr/local/lib/docker/cli-plugins
cat > /etc/docker/daemon.json <<'CLASSIFYHUB_DAEMON'
{"log-driver": "awslogs", "log-opts": {"awslogs-region": "${rt.region}", "awslogs-group": "${rt.containerLogGroup}", "tag": "{{.Name}}"}}
CLASSIFYHUB_DAEMON
systemctl enable docker
systemctl restart docker
plugin=/usr/local/lib/docker/cli-plugins/docker-compose
if ! "$plugin" version 2>/dev/null | grep -q ${COMPOSE_PLUGIN_VERSION}; then
  arch=$(uname -m)
  case "$arch" in
${Object.entries(COMPOSE_PLUGIN_SHA256).map(([arch, sum]) => `    ${arch}) sum=${sum} ;;`).join('\n')}
    *) echo "no pinned compose checksum for $arch" >&2; exit 1 ;;
  esac
  curl -fsSL -o /tmp/docker-compose https://github.com/docker/compose/releases/download/${COMPOSE_PLUGIN_VERSION}/docker-compose-linux-$arch
  echo "$sum  /tmp/docker-compose" | sha256sum -c -
  install -m 0755 /tmp/docker-compose "$plugin"
fi

# Data volume: formatted once, mounted at ${HOST_PATHS.data}; it outlives the instance.
dev=/dev/sdf
for _ in $(seq 60); do [ -e "$dev" ] && break; sleep 5; done
if ! blkid "$dev" >/dev/null 2>&1; then mkfs.xfs -L classifyhub-data "$dev"; fi
mkdir -p ${HOST_PATHS.data}
grep -q 'LABEL=classifyhub-data' /etc/fstab || echo 'LABEL=classifyhub-data ${HOST_PATHS.data} xfs defaults,nofail 0 2' >> /etc/fstab
mountpoint -q ${HOST_PATHS.data} || mount ${HOST_PATHS.data}
for d in ${dataDirs.join(' ')}; do mkdir -p "${HOST_PATHS.data}/$d"; done
${caps.search ? `chown 1000:1000 ${HOST_PATHS.data}/opensearch\nsysctl -w vm.max_map_count=262144\n` : ''}
# Secrets: generated on first boot straight into Secrets Manager, kept on tmpfs only.
mkdir -p ${HOST_PATHS.secrets}
mountpoint -q ${HOST_PATHS.secrets} || mount -t tmpfs -o size=1m,mode=0700 tmpfs ${HOST_PATHS.secrets}
ensure_secret() {
  local out
  if ! out=$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text 2>&1); then
    if ! grep -q ResourceNotFoundException <<<"$out"; then echo "$out" >&2; return 1; fi
    out=$(openssl rand -hex 32)
    aws secretsmanager put-secret-value --region "$REGION" --secret-id "$1" --secret-string "$out" >/dev/null
  fi
  (umask 077; printf '%s' "$out" > ${HOST_PATHS.secrets}/"$2")
}
${secrets.join('\n')}

# TLS: a self-signed placeholder until the ACME client installs the real certificate.
if [ ! -s ${HOST_PATHS.tls}/fullchain.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${rt.appDomain}" \\
    -keyout ${HOST_PATHS.tls}/privkey.pem -out ${HOST_PATHS.tls}/fullchain.pem
fi

# Configuration of this stage.
${hostFiles(rt)
  .map((f, i) => writeFile(f, i + 1))
  .join('\n')}

# Application images come from ECR with the instance role.
aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin ${rt.registry}
cd ${HOST_PATHS.config}
docker compose pull --quiet
docker compose up -d --remove-orphans
echo "boot done"
`;
}
