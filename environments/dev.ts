import type { EnvironmentInput } from './lib/schema';

/** Developers' environment: leads the ladder (every stage runs here first), cheapest settings. */
export default {
  name: 'dev',
  tier: 'dev',
  account: { id: '111111111111', region: 'us-east-1' },
  network: { cidr: '10.10.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
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
        { region: 'eu-west-1', location: 'EU', cidr: '10.11.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
        { region: 'ap-southeast-1', location: 'AS', cidr: '10.12.0.0/16', availabilityZones: ['ap-southeast-1a', 'ap-southeast-1b'] },
      ],
    },
    rateLimit: { requestsPerMinute: 1200 },
  },
  systems: ['classifyhub', 'onboarding'],
  onboarding: {
    cidr: '10.40.0.0/16',
    notificationEmails: ['onboarding-dev@classifyhub.example.com'],
    opsEmails: ['oncall-dev@classifyhub.example.com'],
  },
  tags: { CostCenter: 'platform-dev', Owner: 'platform-team' },
} satisfies EnvironmentInput;
