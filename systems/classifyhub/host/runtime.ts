import type { Capabilities } from '../stages';

/** Everything the Docker host's configuration depends on; all plain values (no Terraform tokens). */
export interface HostRuntime {
  readonly capabilities: Capabilities;
  readonly region: string;
  /** Name the host answers on (ACME certificate subject). */
  readonly appDomain: string;
  /** CloudFront alias, once the CDN stage is on. */
  readonly cdnDomain?: string;
  /** Contact address registered with the ACME CA. */
  readonly acmeEmail: string;
  readonly images: {
    readonly backend: string;
    readonly frontend: string;
    readonly worker: string;
    readonly postgres: string;
    readonly redis: string;
    readonly opensearch: string;
    readonly gateway: string;
    readonly acme: string;
  };
  readonly registry: string;
  readonly containerLogGroup: string;
  readonly imagesBucket: string;
  readonly notificationQueueUrl: string;
  readonly senderEmail: string;
  readonly secrets: { readonly dbPassword: string; readonly replicationPassword: string; readonly jwtSigningKey: string };
  readonly rateLimitPerMinute: number;
}

/** Fixed paths on the host and in containers. */
export const HOST_PATHS = {
  /** Configuration written by user data (re-written on every boot). */
  config: '/opt/classifyhub',
  /** Mount point of the EBS data volume. */
  data: '/data',
  /** Secrets fetched at boot; tmpfs, never written to disk. */
  secrets: '/run/classifyhub/secrets',
  /** Certificate and key the gateway serves (self-signed until the ACME client replaces them). */
  tls: '/data/tls',
  /** Webroot for ACME HTTP-01 challenges. */
  acmeWebroot: '/data/acme-webroot',
} as const;

/** Internal ports of the containers. */
export const PORTS = { backend: 8080, frontend: 8080, worker: 8081, search: 9200, redis: 6379, postgres: 5432, gatewayHealth: 8081 } as const;

/**
 * Public ports of the services the seed draws as reachable on their own before stage 7: the browser loads
 * the SPA from the frontend on 443, and calls the backend's API and the search service directly (seed 001,
 * stages 3-6: "HTTPS API calls (e.g., port 8080)", "Search Queries" to the search container). Each is
 * TLS-terminated by the edge container and forwarded to one service, with no path routing. From stage 7
 * the API gateway on 443 is the only entry point and these ports close.
 */
export const DIRECT_PORTS = { api: 8443, search: 9443 } as const;

/** The services exposed on their own ports at a stage (none from stage 7, or before the frontend exists). */
export function directEntryPoints(capabilities: Capabilities): { readonly api?: number; readonly search?: number } {
  if (capabilities.apiGateway || !capabilities.frontend) return {};
  return { api: DIRECT_PORTS.api, ...(capabilities.search ? { search: DIRECT_PORTS.search } : {}) };
}

/** Name of the edge container: a TLS proxy until stage 7, then the API gateway. */
export function edgeServiceName(capabilities: Capabilities): 'api-gateway' | 'tls-proxy' {
  return capabilities.apiGateway ? 'api-gateway' : 'tls-proxy';
}
