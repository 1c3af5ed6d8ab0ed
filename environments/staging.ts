import type { EnvironmentInput } from './lib/schema';

/** Pre-production: one stage behind prod's multi-region layout (a single region), production-like safety settings. */
export default {
  name: 'staging',
  tier: 'staging',
  account: { id: '222222222222', region: 'us-east-1' },
  // Three zones: ClassifyHub's stage-12 database is a Multi-AZ DB cluster (writer and two readable standbys, one per zone).
  network: { cidr: '10.20.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  classifyhub: {
    stage: '13-observability',
    instanceType: 't3.large',
    amiId: 'ami-0c02fb55956c7d316',
    dataVolumeSizeGiB: 50,
    domain: { name: 'staging.classifyhub.example.com', hostedZoneId: 'Z0STGCLASSIFYHUB000002' },
    senderEmail: 'no-reply@staging.classifyhub.example.com',
    images: { backend: '1.0.0', frontend: '1.0.0', worker: '1.0.0' },
    // Still on the managed services' first weeks: the Docker host waits for the data migration check.
    decommissionDockerHost: false,
    onCallEmails: ['oncall-staging@classifyhub.example.com'],
    multiRegion: {
      primaryLocation: 'NA',
      regions: [
        { region: 'eu-west-1', location: 'EU', cidr: '10.21.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
        { region: 'ap-southeast-1', location: 'AS', cidr: '10.22.0.0/16', availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b', 'ap-southeast-1c'] },
      ],
    },
  },
  systems: ['classifyhub', 'onboarding', 'recall', 'ingestion', 'webhooks'],
  ingestion: {
    cidr: '10.52.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    domain: { name: 'ingest.staging.classifyhub.example.com', hostedZoneId: 'Z0STGCLASSIFYHUB000002' },
    region2: { region: 'us-west-2', cidr: '10.53.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] },
    amiId: 'ami-0c02fb55956c7d316',
    workerImageTag: '1.0.0',
    opsEmails: ['oncall-staging@classifyhub.example.com'],
  },
  onboarding: {
    cidr: '10.50.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    notificationEmails: ['onboarding-staging@classifyhub.example.com'],
    opsEmails: ['oncall-staging@classifyhub.example.com'],
  },
  recall: {
    cidr: '10.54.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    domain: { name: 'staging.classifyhub.example.com', hostedZoneId: 'Z0STGCLASSIFYHUB000002' },
    // Amazon Linux 2023 (x86_64) in us-east-1, pinned: synth never looks an AMI up.
    amis: { web: 'ami-0453ec754f44f9a4a', backend: 'ami-0453ec754f44f9a4a' },
    images: { recallWeb: '1.0.0', storeWeb: '1.0.0', recallBackend: '1.0.0', storeBackend: '1.0.0' },
    senderEmail: 'notices@recall.staging.classifyhub.example.com',
    opsEmails: ['oncall-staging@classifyhub.example.com'],
    // Shield Advanced needs a one-year subscription: opt in explicitly (true) once the account has one.
    shieldAdvanced: false,
  },
  webhooks: {
    cidr: '10.51.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    eventTypes: ['invoice.paid', 'invoice.failed', 'user.created', 'user.deleted', 'order.shipped'],
    auth: { issuer: 'https://auth.staging.classifyhub.example.com/', audience: 'webhooks-api' },
    opsEmails: ['oncall-staging@classifyhub.example.com'],
  },
  tags: { CostCenter: 'platform-staging', Owner: 'platform-team' },
} satisfies EnvironmentInput;
