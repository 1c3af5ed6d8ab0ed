/**
 * Defaults applied under every environment file (defaults as data; the file's
 * values are merged on top). Third-party images are pinned here once so every
 * environment moves together unless it overrides one.
 */
export const CLASSIFYHUB_DEFAULTS = {
  instanceType: 't3.micro',
  dataVolumeSizeGiB: 20,
  thirdPartyImages: {
    postgres: 'postgres:15.10-bookworm',
    redis: 'redis:7.4.1-alpine',
    opensearch: 'opensearchproject/opensearch:2.18.0',
    gateway: 'openresty/openresty:1.27.1.2-bookworm',
    acme: 'certbot/certbot:v3.0.1',
    searchSigner: 'public.ecr.aws/aws-observability/aws-sigv4-proxy:1.10',
    awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.22.35',
  },
  rateLimit: { requestsPerMinute: 600 },
} as const;
