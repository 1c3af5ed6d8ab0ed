/** The `recall` section of an environment file (validated with the rest of the environment). */
import { z } from 'zod';
import { azName, cidr, emailAddress, hostname, imageTag } from '../../environments/lib/fields';
import type { SystemSection } from '../sections';

const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: 'expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' });
const amiId = z.string().regex(/^ami-[0-9a-f]{8,17}$/, { message: 'expected an AMI id such as ami-0abcdef1234567890' });

export const recallSchema = z
  .object({
    /** VPC range (CONTRACTS: 10.44/10.54/10.64.0.0/16 for dev/staging/prod); /16 to /18 (the tier subnets are /24s of a /16). */
    cidr,
    /**
     * Zones of the VPC: every tier (recall side, store side, data) spreads over all of them.
     * @default the environment's network.availabilityZones
     */
    availabilityZones: z.array(azName).min(2).max(6).optional(),
    /**
     * The shared domain and its hosted zone: the system serves recall.<name> (Recall ALB) and
     * store.<name> (Store ALB); the internal ALBs answer on recall-backend.<name> and store-backend.<name>.
     */
    domain: z.object({ name: hostname, hostedZoneId }).strict(),
    /** Pinned AMIs (Amazon Linux 2023 with Docker, in the environment's region): synth never looks one up. */
    amis: z.object({ web: amiId, backend: amiId }).strict(),
    /** Tags of the four application images in the system's ECR repositories; a new tag rolls the group (instance refresh). */
    images: z.object({ recallWeb: imageTag, storeWeb: imageTag, recallBackend: imageTag, storeBackend: imageTag }).strict(),
    /** Address the recall e-mails are sent from: of recall.<domain>, the SES domain identity the stack creates (Easy DKIM). */
    senderEmail: emailAddress,
    /** Alarm e-mails (the on-call SNS topic). */
    opsEmails: z.array(emailAddress).min(1),
    /**
     * Shield Advanced protection of both public ALBs. Needs an active Shield Advanced subscription
     * (a one-year commitment this program never creates): an explicit opt-in per environment.
     * @default false
     */
    shieldAdvanced: z.boolean().default(false),
  })
  .strict();

export type RecallConfig = z.output<typeof recallSchema>;

export const recallSection: SystemSection<typeof recallSchema> = {
  schema: recallSchema,
  required: '{ cidr, domain: { name, hostedZoneId }, amis: { web, backend }, images: { recallWeb, storeWeb, recallBackend, storeBackend }, senderEmail, opsEmails } (optional: availabilityZones, shieldAdvanced)',
  cidrs: (s) => [{ where: 'recall.cidr', cidr: s.cidr }],
  check: (s, env, issue) => {
    const prefix = Number(s.cidr.split('/')[1]);
    if (prefix > 18) issue(['cidr'], `must be /16 to /18: the tier subnets are /24s of a /16 (received ${JSON.stringify(s.cidr)})`);
    const zones = s.availabilityZones ?? env.network.availabilityZones;
    zones.forEach((z, i) => {
      if (!z.startsWith(env.account.region)) issue(['availabilityZones', i], `must be a zone of ${env.account.region} (received ${JSON.stringify(z)})`);
    });
    if (new Set(zones).size !== zones.length) issue(['availabilityZones'], `each zone once (received ${JSON.stringify(zones)})`);
    if (!s.senderEmail.toLowerCase().endsWith(`@recall.${s.domain.name}`)) {
      issue(['senderEmail'], `must be an address of recall.${s.domain.name} (the SES domain identity the system verifies); received ${JSON.stringify(s.senderEmail)}`);
    }
  },
};
