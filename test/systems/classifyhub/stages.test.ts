import { parse } from 'yaml';
import { IMPLEMENTED_STAGES, STAGES, Capability, capabilitiesAt, StageSlug } from '../../../systems/classifyhub/stages';
import { loadEnvironment } from '../../../environments/lib/load';
import { addresses, hostFilesOf, synthClassifyHub, SynthJson } from '../../helpers';

/** What seed 001 draws for each capability: Terraform addresses and containers on the host. */
const MARKERS: ReadonlyArray<{ capability: Capability; addresses: string[]; services: string[]; backendEnv: string[] }> = [
  {
    capability: 'backend',
    addresses: ['aws_vpc.network_vpc', 'aws_subnet.network_public_subnet_1', 'aws_internet_gateway.network_internet_gateway', 'aws_instance.docker_host_instance', 'aws_eip.docker_host_elastic_ip', 'aws_ecr_repository.backend_repository_repository'],
    services: ['backend', 'acme'],
    backendEnv: ['PORT'],
  },
  { capability: 'database', addresses: ['aws_ebs_volume.docker_host_data_volume', 'aws_secretsmanager_secret.db_password_secret_secret'], services: ['postgres'], backendEnv: ['DATABASE_HOST'] },
  { capability: 'auth', addresses: ['aws_secretsmanager_secret.jwt_signing_key_secret_secret'], services: [], backendEnv: ['JWT_SIGNING_KEY_FILE'] },
  { capability: 'frontend', addresses: ['aws_ecr_repository.frontend_repository_repository'], services: ['frontend'], backendEnv: [] },
  { capability: 'objectStorage', addresses: ['aws_s3_bucket.images_bucket_bucket', 'aws_s3_bucket_cors_configuration.images_bucket_cors'], services: [], backendEnv: ['IMAGES_BUCKET'] },
  { capability: 'search', addresses: [], services: ['search'], backendEnv: ['SEARCH_URL'] },
  { capability: 'cache', addresses: [], services: ['redis'], backendEnv: ['REDIS_URL'] },
  { capability: 'apiGateway', addresses: [], services: ['api-gateway'], backendEnv: [] },
  {
    capability: 'asyncNotifications',
    addresses: ['aws_sqs_queue.notification_queue_queue', 'aws_sqs_queue.notification_queue_dead_letter_queue', 'aws_ses_domain_identity.email_domain_identity', 'aws_ses_domain_dkim.email_domain_dkim', 'aws_ecr_repository.worker_repository_repository'],
    services: ['notification-worker'],
    backendEnv: ['NOTIFICATION_QUEUE_URL'],
  },
  { capability: 'cdn', addresses: ['aws_cloudfront_distribution.cdn_distribution', 'aws_cloudfront_origin_access_control.cdn_bucket_origin_access_control', 'aws_acm_certificate.cdn_certificate'], services: [], backendEnv: ['PUBLIC_ASSET_BASE_URL'] },
  { capability: 'readReplica', addresses: ['aws_secretsmanager_secret.replication_password_secret_secret'], services: ['postgres-replica'], backendEnv: ['DATABASE_READ_HOST'] },
  { capability: 'rateLimiting', addresses: [], services: [], backendEnv: [] },
];

// dev with the Docker host kept through stages 12-14 (as mid-migration), so promotion can be followed end to end.
const dev = loadEnvironment('dev');
const devKeepingHost = { ...dev, classifyhub: { ...dev.classifyhub, decommissionDockerHost: false } };
const synthesized = new Map<StageSlug, SynthJson>(IMPLEMENTED_STAGES.map((s) => [s.slug as StageSlug, synthClassifyHub(devKeepingHost, s.slug as StageSlug)]));
/** Stages that run on the Docker host (from 12 on it only waits for the data migration, frozen at 11). */
const HOST_STAGES = IMPLEMENTED_STAGES.filter((s) => !capabilitiesAt(s.slug).highAvailability);

function composeOf(json: SynthJson): { services: Record<string, { environment?: Record<string, string> }> } {
  return parse(hostFilesOf(json).get('/opt/classifyhub/docker-compose.yml')!);
}

describe.each(HOST_STAGES.map((s) => [s.slug as StageSlug]))('stage %s', (slug) => {
  const json = synthesized.get(slug)!;
  const caps = capabilitiesAt(slug);
  const present = new Set(addresses(json));
  const compose = composeOf(json);

  test.each(MARKERS.map((m) => [m.capability, m] as const))('%s: present exactly when the stage has it', (_name, marker) => {
    const on = caps[marker.capability];
    for (const address of marker.addresses) expect([address, present.has(address)]).toEqual([address, on]);
    for (const service of marker.services) expect([service, service in compose.services]).toEqual([service, on]);
    const backendEnv = compose.services.backend.environment ?? {};
    for (const key of marker.backendEnv) expect([key, key in backendEnv]).toEqual([key, on]);
  });

  test('edge container: TLS proxy before stage 7, API gateway from it', () => {
    expect('tls-proxy' in compose.services).toBe(!caps.apiGateway);
    expect('api-gateway' in compose.services).toBe(caps.apiGateway);
  });

  test('gateway rate limiting (Redis counters) only from stage 11', () => {
    const nginx = hostFilesOf(json).get('/opt/classifyhub/gateway/nginx.conf')!;
    expect(nginx.includes('require("classifyhub.ratelimit")')).toBe(caps.rateLimiting);
    expect(hostFilesOf(json).has('/opt/classifyhub/gateway/lua/classifyhub/ratelimit.lua')).toBe(caps.rateLimiting);
  });

  test('search is routed only once the search service exists', () => {
    const nginx = hostFilesOf(json).get('/opt/classifyhub/gateway/nginx.conf')!;
    expect(nginx.includes('location = /search')).toBe(caps.search);
  });
});

/**
 * The only removals of the ladder, on purpose: at 07 the API and search lose their own public ports (the API
 * gateway becomes the single entry point, issue 15); security-group rules, no state.
 */
const DELIBERATE_REMOVALS: Partial<Record<StageSlug, string[]>> = {
  '07-api-gateway': ['aws_vpc_security_group_ingress_rule.docker_host_ingress_8443', 'aws_vpc_security_group_ingress_rule.docker_host_ingress_9443'],
};

describe('promotion keeps addresses', () => {
  const slugs = IMPLEMENTED_STAGES.map((s) => s.slug as StageSlug);
  test.each(slugs.slice(0, -1).map((slug, i) => [slug, slugs[i + 1]]))('%s -> %s only adds resources (or closes the documented direct ports)', (from, to) => {
    const before = addresses(synthesized.get(from)!);
    const after = new Set(addresses(synthesized.get(to)!));
    expect(before.filter((a) => !after.has(a))).toEqual(DELIBERATE_REMOVALS[to] ?? []);
  });

  test('identity of stateful resources never depends on the stage', () => {
    const first = synthesized.get('01-monolith')!.resource;
    const last = synthesized.get('14-multi-region')!.resource;
    const volume = (r: SynthJson['resource']) => r.aws_ebs_volume.docker_host_data_volume;
    expect(volume(last)).toEqual(volume(first));
    expect(last.aws_instance.docker_host_instance.ami).toBe(first.aws_instance.docker_host_instance.ami);
    expect(last.aws_instance.docker_host_instance.user_data_replace_on_change).toBe(false);
  });

  test('from stage 12 the Docker host keeps its stage-11 configuration until it is decommissioned', () => {
    const at11 = synthesized.get('11-rate-limiting')!.resource;
    for (const slug of ['12-high-availability', '13-observability', '14-multi-region'] as const) {
      expect(synthesized.get(slug)!.resource.aws_instance.docker_host_instance).toEqual(at11.aws_instance.docker_host_instance);
    }
  });
});

describe('stage ladder table', () => {
  test('14 stages with the agreed slugs, cumulative capabilities', () => {
    expect(STAGES.map((s) => s.slug)).toEqual([
      '01-monolith', '02-auth', '03-frontend', '04-object-storage', '05-search', '06-cache', '07-api-gateway',
      '08-async-notifications', '09-cdn', '10-read-replicas', '11-rate-limiting', '12-high-availability', '13-observability', '14-multi-region',
    ]);
    const counts = STAGES.map((s) => Object.values(capabilitiesAt(s.slug)).filter(Boolean).length);
    counts.slice(1).forEach((n, i) => expect(n).toBeGreaterThan(counts[i]));
  });
});
