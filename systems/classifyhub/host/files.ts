import { HostRuntime, HOST_PATHS } from './runtime';
import { renderCompose } from './compose';
import { renderGatewayConfig, RATE_LIMIT_LUA } from './gateway';

/** A file the boot script writes on the host. */
export interface HostFile {
  readonly path: string;
  readonly mode: string;
  readonly content: string;
}

/** Every configuration file of the host for a stage, in the order they are written. */
export function hostFiles(rt: HostRuntime): HostFile[] {
  const files: HostFile[] = [
    { path: `${HOST_PATHS.config}/docker-compose.yml`, mode: '0644', content: renderCompose(rt) },
    { path: `${HOST_PATHS.config}/gateway/nginx.conf`, mode: '0644', content: renderGatewayConfig(rt) },
    { path: `${HOST_PATHS.config}/acme/renew.sh`, mode: '0755', content: ACME_RENEW_SCRIPT },
  ];
  if (rt.capabilities.rateLimiting) {
    files.push({ path: `${HOST_PATHS.config}/gateway/lua/classifyhub/ratelimit.lua`, mode: '0644', content: RATE_LIMIT_LUA });
  }
  if (rt.capabilities.readReplica) {
    files.push(
      { path: `${HOST_PATHS.config}/postgres/pg_hba.conf`, mode: '0644', content: PG_HBA },
      { path: `${HOST_PATHS.config}/postgres/replica-entrypoint.sh`, mode: '0755', content: REPLICA_ENTRYPOINT },
    );
  }
  return files;
}

/** Runs in the ACME client container: HTTP-01 through the gateway's webroot, then installs the certificate for the gateway. */
export const ACME_RENEW_SCRIPT = `#!/bin/sh
# Obtains and renews the certificate of $ACME_DOMAIN (HTTP-01 via the gateway's webroot)
# and installs it where the gateway reads it; the gateway reloads every 6 hours.
set -u
trap 'exit 0' TERM INT
while :; do
  if certbot certonly --webroot -w /var/www/acme -d "$ACME_DOMAIN" --cert-name classifyhub \\
      --email "$ACME_EMAIL" --agree-tos --non-interactive --keep-until-expiring; then
    cp -L /etc/letsencrypt/live/classifyhub/fullchain.pem /tls/fullchain.pem.new
    cp -L /etc/letsencrypt/live/classifyhub/privkey.pem /tls/privkey.pem.new
    chmod 600 /tls/privkey.pem.new
    mv /tls/fullchain.pem.new /tls/fullchain.pem
    mv /tls/privkey.pem.new /tls/privkey.pem
  else
    echo "certificate request failed; retrying in 12 hours" >&2
  fi
  sleep 43200 &
  wait $!
done
`;

/** Primary's client authentication: application users and the replication user, always with SCRAM. */
export const PG_HBA = `# Generated; the primary reads it through -c hba_file.
local   all          all                 trust
host    all          all          all    scram-sha-256
host    replication  replicator   all    scram-sha-256
`;

/**
 * Replica container entrypoint: on an empty data directory, makes sure the
 * replication role and slot exist on the primary, clones it with
 * pg_basebackup (-R writes the standby settings), then starts as a hot standby.
 */
export const REPLICA_ENTRYPOINT = `#!/bin/bash
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$(cat /run/secrets/db_password)"
  until pg_isready -h "$PRIMARY_HOST" -U "$PRIMARY_SUPERUSER" -d postgres; do sleep 2; done
  psql -h "$PRIMARY_HOST" -U "$PRIMARY_SUPERUSER" -d postgres -v ON_ERROR_STOP=1 \\
    -v user="$REPLICATION_USER" -v pass="$(cat /run/secrets/replication_password)" -v slot="$REPLICATION_SLOT" <<'SQL'
SELECT format('CREATE ROLE %I WITH REPLICATION LOGIN', :'user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \\gexec
ALTER ROLE :"user" WITH PASSWORD :'pass';
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
  WHERE slot_name = :'slot' AND NOT active;
SQL
  PGPASSWORD="$(cat /run/secrets/replication_password)" pg_basebackup -h "$PRIMARY_HOST" -U "$REPLICATION_USER" \\
    -D "$PGDATA" -X stream -R -C -S "$REPLICATION_SLOT"
  chmod 700 "$PGDATA"
fi
exec docker-entrypoint.sh postgres -c hot_standby=on
`;
