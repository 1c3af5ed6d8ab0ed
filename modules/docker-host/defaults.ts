/** Defaults of the DockerHost construct. */
export const DOCKER_HOST_DEFAULTS = {
  /** Seed 001 draws a t3.micro. */
  instanceType: 't3.micro',
  /** Root volume (OS, Docker images), GiB. */
  rootVolumeSizeGiB: 30,
  /** Data volume (databases, caches, certificates), GiB. */
  dataVolumeSizeGiB: 20,
  /** Device name the data volume is attached as (Amazon Linux links it to the NVMe device). */
  dataVolumeDeviceName: '/dev/sdf',
  /** Public ports: HTTPS, and HTTP only to redirect and answer ACME challenges. */
  ingressPorts: [443, 80] as readonly number[],
  /** Outbound: HTTPS (AWS APIs, registries, ACME) and HTTP (OS package mirrors). */
  egressPorts: [443, 80] as readonly number[],
  /** Hour (UTC, "HH:MM") of the daily data-volume snapshot. */
  snapshotTimeUtc: '03:00',
  /** IMDSv2 hop limit 2: containers on the Docker bridge reach the role's credentials. */
  metadataHopLimit: 2,
} as const;
