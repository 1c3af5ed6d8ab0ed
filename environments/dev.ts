import type { EnvironmentInput } from './lib/schema';

/** Developers' environment: leads the ladder, cheapest settings. */
export default {
  name: 'dev',
  tier: 'dev',
  account: { id: '111111111111', region: 'us-east-1' },
  network: { cidr: '10.10.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
  classifyhub: {
    stage: '11-rate-limiting',
    instanceType: 't3.large',
    amiId: 'ami-0c02fb55956c7d316',
    domain: { name: 'dev.classifyhub.example.com', hostedZoneId: 'Z0DEVCLASSIFYHUB000001' },
    senderEmail: 'no-reply@dev.classifyhub.example.com',
    images: { backend: '1.0.0', frontend: '1.0.0', worker: '1.0.0' },
    rateLimit: { requestsPerMinute: 1200 },
  },
  tags: { CostCenter: 'platform-dev', Owner: 'platform-team' },
} satisfies EnvironmentInput;
