import type { EnvironmentInput } from './lib/schema';

/** Pre-production: one stage behind dev, production-like safety settings. */
export default {
  name: 'staging',
  tier: 'staging',
  account: { id: '222222222222', region: 'us-east-1' },
  network: { cidr: '10.20.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
  classifyhub: {
    stage: '10-read-replicas',
    instanceType: 't3.large',
    amiId: 'ami-0c02fb55956c7d316',
    dataVolumeSizeGiB: 50,
    domain: { name: 'staging.classifyhub.example.com', hostedZoneId: 'Z0STGCLASSIFYHUB000002' },
    senderEmail: 'no-reply@staging.classifyhub.example.com',
    images: { backend: '1.0.0', frontend: '1.0.0', worker: '1.0.0' },
  },
  tags: { CostCenter: 'platform-staging', Owner: 'platform-team' },
} satisfies EnvironmentInput;
