import type { EnvironmentInput } from './lib/schema';

/** Pre-production: one stage behind prod's multi-region layout (a single region), production-like safety settings. */
export default {
  name: 'staging',
  tier: 'staging',
  account: { id: '222222222222', region: 'us-east-1' },
  network: { cidr: '10.20.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
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
        { region: 'eu-west-1', location: 'EU', cidr: '10.21.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
        { region: 'ap-southeast-1', location: 'AS', cidr: '10.22.0.0/16', availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b'] },
      ],
    },
  },
  systems: ['classifyhub', 'onboarding'],
  onboarding: {
    cidr: '10.50.0.0/16',
    notificationEmails: ['onboarding-staging@classifyhub.example.com'],
    opsEmails: ['oncall-staging@classifyhub.example.com'],
  },
  tags: { CostCenter: 'platform-staging', Owner: 'platform-team' },
} satisfies EnvironmentInput;
