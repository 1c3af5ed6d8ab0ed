import type { EnvironmentInput } from './lib/schema';

/** Production. Runs the highest implemented stage until 12-14 land. */
export default {
  name: 'prod',
  tier: 'prod',
  account: { id: '333333333333', region: 'us-east-1' },
  network: { cidr: '10.30.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  classifyhub: {
    stage: '11-rate-limiting',
    instanceType: 't3.xlarge',
    amiId: 'ami-0c02fb55956c7d316',
    dataVolumeSizeGiB: 200,
    domain: { name: 'classifyhub.example.com', hostedZoneId: 'Z0PRDCLASSIFYHUB000003' },
    senderEmail: 'no-reply@classifyhub.example.com',
    images: { backend: '1.0.0', frontend: '1.0.0', worker: '1.0.0' },
    rateLimit: { requestsPerMinute: 600 },
  },
  tags: { CostCenter: 'platform-prod', Owner: 'platform-team', DataClassification: 'confidential' },
} satisfies EnvironmentInput;
