import type { EnvironmentInput } from './lib/schema';

/** Developers' environment: leads the ladder (every stage runs here first), cheapest settings. */
export default {
  name: 'dev',
  tier: 'dev',
  account: { id: '111111111111', region: 'us-east-1' },
  // Three zones: ClassifyHub's stage-12 database is a Multi-AZ DB cluster (writer and two readable standbys, one per zone).
  network: { cidr: '10.10.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  classifyhub: {
    stage: '14-multi-region',
    instanceType: 't3.large',
    amiId: 'ami-0c02fb55956c7d316',
    domain: { name: 'dev.classifyhub.example.com', hostedZoneId: 'Z0DEVCLASSIFYHUB000001' },
    senderEmail: 'no-reply@dev.classifyhub.example.com',
    images: { backend: '1.0.0', frontend: '1.0.0', worker: '1.0.0' },
    decommissionDockerHost: true,
    onCallEmails: ['oncall-dev@classifyhub.example.com'],
    multiRegion: {
      primaryLocation: 'NA',
      regions: [
        { region: 'eu-west-1', location: 'EU', cidr: '10.11.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
        { region: 'ap-southeast-1', location: 'AS', cidr: '10.12.0.0/16', availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b', 'ap-southeast-1c'] },
      ],
    },
    rateLimit: { requestsPerMinute: 1200 },
  },
  systems: ['classifyhub', 'onboarding', 'recall', 'ingestion', 'webhooks'],
  ingestion: {
    cidr: '10.42.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    domain: { name: 'ingest.dev.classifyhub.example.com', hostedZoneId: 'Z0DEVCLASSIFYHUB000001' },
    region2: { region: 'us-west-2', cidr: '10.43.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] },
    amiId: 'ami-0c02fb55956c7d316',
    workerImageTag: '1.0.0',
    opsEmails: ['oncall-dev@classifyhub.example.com'],
  },
  onboarding: {
    cidr: '10.40.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    notificationEmails: ['onboarding-dev@classifyhub.example.com'],
    opsEmails: ['oncall-dev@classifyhub.example.com'],
    vendors: [{ id: 'VEND001', name: 'TechGear Supplies', email: 'uploads@techgear.example.com' }],
  },
  recall: {
    cidr: '10.44.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    domain: { name: 'dev.classifyhub.example.com', hostedZoneId: 'Z0DEVCLASSIFYHUB000001' },
    // Amazon Linux 2023 (x86_64) in us-east-1, pinned: synth never looks an AMI up.
    amis: { web: 'ami-0453ec754f44f9a4a', backend: 'ami-0453ec754f44f9a4a' },
    images: { recallWeb: '1.0.0', storeWeb: '1.0.0', recallBackend: '1.0.0', storeBackend: '1.0.0' },
    senderEmail: 'notices@recall.dev.classifyhub.example.com',
    opsEmails: ['oncall-dev@classifyhub.example.com'],
    // Shield Advanced needs a one-year subscription: opt in explicitly (true) once the account has one.
    shieldAdvanced: false,
  },
  webhooks: {
    cidr: '10.41.0.0/16',
    // Two zones, as before ClassifyHub's stage-12 database (a Multi-AZ DB cluster) needed a third in network.availabilityZones.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    eventTypes: ['invoice.paid', 'invoice.failed', 'user.created', 'user.deleted', 'order.shipped'],
    auth: { issuer: 'https://auth.dev.classifyhub.example.com/', audience: 'webhooks-api' },
    opsEmails: ['oncall-dev@classifyhub.example.com'],
  },
  tags: { CostCenter: 'platform-dev', Owner: 'platform-team' },
} satisfies EnvironmentInput;
