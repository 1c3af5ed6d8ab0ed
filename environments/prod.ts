import type { EnvironmentInput } from './lib/schema';

/** Production: the whole ladder, three regions behind Route 53 geolocation routing. */
export default {
  name: 'prod',
  tier: 'prod',
  account: { id: '333333333333', region: 'us-east-1' },
  network: { cidr: '10.30.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  classifyhub: {
    stage: '14-multi-region',
    instanceType: 't3.xlarge',
    amiId: 'ami-0c02fb55956c7d316',
    dataVolumeSizeGiB: 200,
    domain: { name: 'classifyhub.example.com', hostedZoneId: 'Z0PRDCLASSIFYHUB000003' },
    senderEmail: 'no-reply@classifyhub.example.com',
    images: { backend: '1.0.0', frontend: '1.0.0', worker: '1.0.0' },
    decommissionDockerHost: true,
    onCallEmails: ['oncall@classifyhub.example.com', 'platform-team@classifyhub.example.com'],
    multiRegion: {
      primaryLocation: 'NA',
      regions: [
        { region: 'eu-west-1', location: 'EU', cidr: '10.31.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
        { region: 'ap-southeast-1', location: 'AS', cidr: '10.32.0.0/16', availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b', 'ap-southeast-1c'] },
      ],
    },
    rateLimit: { requestsPerMinute: 600 },
  },
  systems: ['classifyhub', 'onboarding', 'recall', 'ingestion', 'webhooks'],
  ingestion: {
    cidr: '10.62.0.0/16',
    domain: { name: 'ingest.classifyhub.example.com', hostedZoneId: 'Z0PRDCLASSIFYHUB000003' },
    region2: { region: 'us-west-2', cidr: '10.63.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'] },
    amiId: 'ami-0c02fb55956c7d316',
    workerImageTag: '1.0.0',
    opsEmails: ['oncall@classifyhub.example.com'],
  },
  onboarding: {
    cidr: '10.60.0.0/16',
    notificationEmails: ['vendor-support@classifyhub.example.com'],
    opsEmails: ['oncall@classifyhub.example.com', 'platform-team@classifyhub.example.com'],
    errorReportRetentionDays: 90,
  },
  recall: {
    cidr: '10.64.0.0/16',
    domain: { name: 'classifyhub.example.com', hostedZoneId: 'Z0PRDCLASSIFYHUB000003' },
    // Amazon Linux 2023 (x86_64) in us-east-1, pinned: synth never looks an AMI up.
    amis: { web: 'ami-0453ec754f44f9a4a', backend: 'ami-0453ec754f44f9a4a' },
    images: { recallWeb: '1.0.0', storeWeb: '1.0.0', recallBackend: '1.0.0', storeBackend: '1.0.0' },
    senderEmail: 'notices@recall.classifyhub.example.com',
    opsEmails: ['oncall@classifyhub.example.com'],
    // Shield Advanced needs a one-year subscription: opt in explicitly (true) once the account has one.
    shieldAdvanced: false,
  },
  webhooks: {
    cidr: '10.61.0.0/16',
    eventTypes: ['invoice.paid', 'invoice.failed', 'user.created', 'user.deleted', 'order.shipped'],
    auth: { issuer: 'https://auth.classifyhub.example.com/', audience: 'webhooks-api' },
    opsEmails: ['oncall@classifyhub.example.com'],
  },
  tags: { CostCenter: 'platform-prod', Owner: 'platform-team', DataClassification: 'confidential' },
} satisfies EnvironmentInput;
