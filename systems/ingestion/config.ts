/** The `ingestion` section of an environment file (validated with the rest of the environment). */
import { z } from 'zod';
import { azName, cidr, emailAddress, hostname, imageTag, regionName } from '../../environments/lib/fields';
import type { SystemSection } from '../sections';

const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: 'expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' });
const amiId = z.string().regex(/^ami-[0-9a-f]{8,17}$/, { message: 'expected an AMI id such as ami-0abcdef1234567890' });

export const ingestionSchema = z
  .object({
    /** VPC range of the primary region (CONTRACTS: 10.42/10.52/10.62.0.0/16 for dev/staging/prod). */
    cidr,
    /**
     * Zones of the primary region's VPC (ALB, execute-api endpoint, L1, F1, EC2).
     * @default the environment's network.availabilityZones
     */
    availabilityZones: z.array(azName).min(2).max(6).optional(),
    /** Public name of the API (ALB, ACM certificate, private API custom domain), e.g. ingest.dev.classifyhub.example.com. */
    domain: z.object({ name: hostname, hostedZoneId }).strict(),
    /** Region 2 (seed: "Kinesis Data Stream in Region 2", "Amazon S3 in Region 2"). */
    region2: z
      .object({
        region: regionName,
        /** Reserved VPC range of region 2 (CONTRACTS: 10.43/10.53/10.63.0.0/16); the pilot-light region has no VPC yet. */
        cidr,
        availabilityZones: z.array(azName).min(2).max(6),
      })
      .strict(),
    /** Pinned AMI (Amazon Linux 2023, primary region) of the EC2 instance behind the ALB. */
    amiId,
    /** Tag of the worker image in ECR (F1 on Fargate, the EC2 instance). */
    workerImageTag: imageTag,
    /** Alarm e-mails. */
    opsEmails: z.array(emailAddress).min(1),
  })
  .strict();

export type IngestionConfig = z.output<typeof ingestionSchema>;

export const ingestionSection: SystemSection<typeof ingestionSchema> = {
  schema: ingestionSchema,
  required: '{ cidr, domain: { name, hostedZoneId }, region2: { region, cidr, availabilityZones }, amiId, workerImageTag, opsEmails }',
  cidrs: (s) => [
    { where: 'ingestion.cidr', cidr: s.cidr },
    { where: 'ingestion.region2.cidr', cidr: s.region2.cidr },
  ],
  check: (s, env, issue) => {
    if (s.region2.region === env.account.region) issue(['region2', 'region'], `must differ from the environment's region ${env.account.region}`);
    s.region2.availabilityZones.forEach((z, i) => {
      if (!z.startsWith(s.region2.region)) issue(['region2', 'availabilityZones', i], `must be a zone of ${s.region2.region}`);
    });
    const zones = s.availabilityZones ?? env.network.availabilityZones;
    zones.forEach((z, i) => {
      if (!z.startsWith(env.account.region)) issue(['availabilityZones', i], `must be a zone of ${env.account.region}`);
    });
  },
};
