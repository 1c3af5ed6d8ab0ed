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
  systems: ['classifyhub', 'onboarding'],
  onboarding: {
    cidr: '10.60.0.0/16',
    notificationEmails: ['vendor-support@classifyhub.example.com'],
    opsEmails: ['oncall@classifyhub.example.com', 'platform-team@classifyhub.example.com'],
    errorReportRetentionDays: 90,
  },
  tags: { CostCenter: 'platform-prod', Owner: 'platform-team', DataClassification: 'confidential' },
} satisfies EnvironmentInput;
