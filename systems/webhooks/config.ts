/** The `webhooks` section of an environment file (validated with the rest of the environment). */
import { z } from 'zod';
import { azName, cidr, emailAddress } from '../../environments/lib/fields';
import { EVENT_TYPE_PATTERN } from '../../lambdas/webhooks/shared/schemas';
import type { SystemSection } from '../sections';

const eventType = z.string().regex(new RegExp(EVENT_TYPE_PATTERN), { message: 'expected an event type such as invoice.paid (lower-case dotted words)' });
const snake = z.string().regex(/^[a-z][a-z0-9_]{0,40}$/, { message: 'expected a snake_case client name (it names the usage plan)' });

export const webhooksSchema = z
  .object({
    /** VPC range (CONTRACTS: 10.41/10.51/10.61.0.0/16 for dev/staging/prod). */
    cidr,
    /**
     * Zones of the VPC (the functions, NAT gateways, interface endpoints).
     * @default the environment's network.availabilityZones
     */
    availabilityZones: z.array(azName).min(2).max(6).optional(),
    /** The event types clients may publish and subscribe to (unknown types are a 400). */
    eventTypes: z.array(eventType).min(1).max(200),
    /** Bearer JWTs: issuer and audience; with jwksUrl the issuer's keys verify tokens, else the HS256 key ring in Secrets Manager. */
    auth: z
      .object({
        issuer: z.string().min(1),
        audience: z.string().min(1),
        jwksUrl: z.string().url().startsWith('https://', { message: 'expected an https:// JWKS URL' }).optional(),
      })
      .strict(),
    /**
     * Per-client usage plans (the JWT `sub` is the client); clients not listed share the `default` plan.
     * @default none - everyone shares the default plan
     */
    clients: z
      .array(z.object({ name: snake, rateLimitPerSecond: z.number().positive().max(10_000), burstLimit: z.number().int().min(1).max(20_000) }).strict())
      .max(50)
      .optional(),
    /** Per-client default plan. @default { rateLimitPerSecond: 10, burstLimit: 20 } */
    defaultClientThrottle: z.object({ rateLimitPerSecond: z.number().positive(), burstLimit: z.number().int().min(1) }).strict().optional(),
    /**
     * Delays before attempts 2, 3, ... in seconds.
     * @default Svix's: 5, 300, 1800, 7200, 18000, 36000, 36000
     */
    retryScheduleSeconds: z.array(z.number().int().min(0).max(86_400)).min(1).max(20).optional(),
    /** Per-attempt timeout. @default 15 (Svix) */
    deliveryTimeoutSeconds: z.number().int().min(1).max(60).optional(),
    /** Largest event payload, bytes. @default 65536 */
    maxPayloadBytes: z.number().int().min(1024).max(256 * 1024).optional(),
    /** After a secret rotation the old secret keeps signing this long. @default 86400 */
    rotationGraceSeconds: z.number().int().min(0).max(7 * 86_400).optional(),
    /** Days between automatic rotations of the signing key rings. @default 90 */
    keyRotationDays: z.number().int().min(1).max(365).optional(),
    /**
     * AWS Shield Advanced on the API stage. Opt-in only: the subscription is a one-year commitment (about 3,000 USD a month).
     * @default false
     */
    shieldAdvanced: z.boolean().optional(),
    /** Countries whose requests the WAF blocks (ISO 3166 alpha-2). @default none */
    blockedCountries: z.array(z.string().regex(/^[A-Z]{2}$/, { message: 'expected an ISO 3166 alpha-2 code such as KP' })).max(50).optional(),
    /**
     * This stack sets the account's API Gateway CloudWatch role (needed for access logs); exactly one stack per
     * account and region may.
     * @default true
     */
    manageApiGatewayAccount: z.boolean().optional(),
    /** Alarm e-mails. */
    opsEmails: z.array(emailAddress).min(1),
  })
  .strict();

export type WebhooksConfig = z.output<typeof webhooksSchema>;

export const webhooksSection: SystemSection<typeof webhooksSchema> = {
  schema: webhooksSchema,
  required: '{ cidr, eventTypes, auth: { issuer, audience }, opsEmails }',
  cidrs: (s) => [{ where: 'webhooks.cidr', cidr: s.cidr }],
  check: (s, env, issue) => {
    const zones = s.availabilityZones ?? env.network.availabilityZones;
    zones.forEach((z, i) => {
      if (!z.startsWith(env.account.region)) issue(['availabilityZones', i], `must be a zone of ${env.account.region} (received ${JSON.stringify(z)})`);
    });
    const names = (s.clients ?? []).map((c) => c.name);
    names.forEach((n, i) => {
      if (n === 'default' || names.indexOf(n) !== i) issue(['clients', i, 'name'], `must be unique and not "default" (received ${JSON.stringify(n)})`);
    });
    if (s.shieldAdvanced) {
      issue(['shieldAdvanced'], 'received true; Shield Advanced cannot protect a regional REST API (it protects CloudFront, Route 53, Global Accelerator, load balancers and Elastic IPs): put a CloudFront distribution in front first (not built); Shield Standard protects the API already');
    }
    const types = s.eventTypes;
    types.forEach((t, i) => {
      if (types.indexOf(t) !== i) issue(['eventTypes', i], `is listed twice (received ${JSON.stringify(t)})`);
    });
  },
};
