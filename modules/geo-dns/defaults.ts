/** Defaults of the GeoRouting construct. */
export const GEO_ROUTING_DEFAULTS = {
  /** Path the Route 53 health checkers request on each region's ALB (HTTPS, port 443). */
  healthCheckPath: '/healthz',
  /** Consecutive failed (or passed) checks before a region is marked unhealthy (or healthy again). */
  healthCheckFailureThreshold: 3,
  /** Seconds between checks from each checker location: 30 (standard) or 10 (fast, extra charge). */
  healthCheckIntervalSeconds: 30,
} as const;

/** Fixed health-check settings (not props). */
export const GEO_HEALTH_CHECK_SETTINGS = {
  type: 'HTTPS',
  port: 443,
  /** Send the ALB DNS name as SNI (Route 53 does not validate the certificate). */
  enableSni: true,
  /** Latency graphs cost extra and cannot be turned off later without replacing the check. */
  measureLatency: false,
} as const;

/** Route 53 geolocation continent codes. */
export const CONTINENT_CODES = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;

/** set_identifier of the record answering locations no continent record matches. */
export const DEFAULT_SET_IDENTIFIER = 'default';
