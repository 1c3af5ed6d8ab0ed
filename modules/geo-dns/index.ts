import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { validateProps, withDefaults } from '../core/props';
import { nameTags } from '../core/tags';
import { CONTINENT_CODES, DEFAULT_SET_IDENTIFIER, GEO_HEALTH_CHECK_SETTINGS, GEO_ROUTING_DEFAULTS } from './defaults';

/** Route 53 geolocation continent code. */
export type ContinentCode = (typeof CONTINENT_CODES)[number];

/** One regional deployment behind the geolocation record. */
export interface GeoRegion {
  /** snake_case key, e.g. "us_east_1": set_identifier and part of the Terraform addresses. Not "default". */
  readonly key: string;
  /** Continent whose resolvers get this region. */
  readonly location: ContinentCode;
  /** DNS name of the region's ALB (e.g. its `dnsName` attribute). */
  readonly albDnsName: string;
  /** Route 53 hosted zone id of the region's ALB (its `zoneId` attribute). */
  readonly albZoneId: string;
  /**
   * Also answer every location no continent record matches (geolocation `*`). Exactly one region sets it.
   * @default false
   */
  readonly isDefault?: boolean;
}

export interface GeoRoutingProps {
  /** Prefix of the health checks' Name tags (`<namePrefix>-<key with - for _>-health`). */
  readonly namePrefix: string;
  /** Route 53 hosted zone holding recordName. */
  readonly hostedZoneId: string;
  /** Fully qualified name users resolve, e.g. "app.example.com". */
  readonly recordName: string;
  /** Regions, each serving one continent; exactly one is also the default. */
  readonly regions: readonly GeoRegion[];
  /**
   * Path requested by the health checkers on each ALB (HTTPS, port 443).
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
  /**
   * Consecutive failed checks before a region is unhealthy (1-10).
   * @default 3
   */
  readonly healthCheckFailureThreshold?: number;
  /**
   * Seconds between checks: 30, or 10 (fast; extra charge).
   * @default 30
   */
  readonly healthCheckIntervalSeconds?: 10 | 30;
  /**
   * Construct id of the default (`*`) record under this construct - lets a
   * stack keep the address its simple record had before geolocation routing
   * (construct `app` + `record` is `aws_route53_record.app_record`).
   * @default 'default_record'
   */
  readonly defaultRecordId?: string;
}

/** A metric in the shape observability's MetricSpec takes (structural; no import). */
export interface HealthCheckStatusMetric {
  readonly namespace: 'AWS/Route53';
  readonly metricName: 'HealthCheckStatus';
  readonly dimensions: { readonly HealthCheckId: string };
  readonly statistic: 'Minimum';
}

/**
 * Route 53 geolocation routing of one name across regional ALBs: per region
 * an HTTPS health check of the ALB and an A alias record for its continent
 * (with the health check and evaluate_target_health), plus the default
 * record (`*`) for locations no continent record matches, pointing at the
 * default region. When a region's health check fails, Route 53 answers its
 * continent with the default record.
 *
 * Route 53 publishes HealthCheckStatus to CloudWatch in us-east-1 only:
 * alarms on `healthCheckStatusMetric(key)` must be created in us-east-1.
 */
export class GeoRouting extends Construct {
  /** Health checks by region key. */
  readonly healthChecks: Readonly<Record<string, Route53HealthCheck>>;
  /** Continent records by region key. */
  readonly records: Readonly<Record<string, Route53Record>>;
  /** The `*` record pointing at the default region. */
  readonly defaultRecord: Route53Record;
  /** Key of the default region. */
  readonly defaultRegionKey: string;

  constructor(scope: Construct, id: string, props: GeoRoutingProps) {
    super(scope, id);
    const p = withDefaults(GEO_ROUTING_DEFAULTS, props);
    const keys = p.regions.map((r) => r.key);
    const continents = p.regions.map((r) => r.location);
    validateProps('GeoRouting', p, [
      { field: 'namePrefix', valid: (x) => /^[A-Za-z0-9_.-]{1,200}$/.test(x.namePrefix), expected: '1-200 characters of [A-Za-z0-9_.-]' },
      { field: 'hostedZoneId', valid: (x) => Token.isUnresolved(x.hostedZoneId) || /^Z[A-Z0-9]{1,31}$/.test(x.hostedZoneId), expected: 'a Route 53 hosted zone id such as Z0123456789ABC' },
      { field: 'recordName', valid: (x) => FQDN.test(x.recordName), expected: 'a fully qualified lower-case DNS name such as app.example.com (no trailing dot)' },
      { field: 'regions', valid: (x) => x.regions.length >= 1, expected: 'at least one region' },
      { field: 'regions', valid: () => keys.every((k) => /^[a-z][a-z0-9_]*$/.test(k) && k !== DEFAULT_SET_IDENTIFIER), expected: `snake_case keys other than "${DEFAULT_SET_IDENTIFIER}" (got ${JSON.stringify(keys)})` },
      { field: 'regions', valid: () => new Set(keys).size === keys.length, expected: `unique keys (got ${JSON.stringify(keys)})` },
      { field: 'regions', valid: () => continents.every((c) => (CONTINENT_CODES as readonly string[]).includes(c)), expected: `locations among ${CONTINENT_CODES.join(', ')} (got ${JSON.stringify(continents)})` },
      { field: 'regions', valid: () => new Set(continents).size === continents.length, expected: `one region per continent (got ${JSON.stringify(continents)})` },
      { field: 'regions', valid: (x) => x.regions.filter((r) => r.isDefault).length === 1, expected: `exactly one region with isDefault: true (got ${p.regions.filter((r) => r.isDefault).length})` },
      { field: 'regions', valid: (x) => x.regions.every((r) => Token.isUnresolved(r.albDnsName) || FQDN.test(r.albDnsName.toLowerCase())), expected: 'albDnsName: the DNS name of an ALB' },
      { field: 'regions', valid: (x) => x.regions.every((r) => Token.isUnresolved(r.albZoneId) || /^Z[A-Z0-9]{1,31}$/.test(r.albZoneId)), expected: 'albZoneId: a Route 53 zone id such as Z35SXDOTRQ7X7K' },
      { field: 'healthCheckPath', valid: (x) => /^\/[\x21-\x7e]{0,254}$/.test(x.healthCheckPath), expected: 'a path starting with /, at most 255 printable characters' },
      { field: 'healthCheckFailureThreshold', valid: (x) => Number.isInteger(x.healthCheckFailureThreshold) && x.healthCheckFailureThreshold >= 1 && x.healthCheckFailureThreshold <= 10, expected: 'a whole number from 1 to 10' },
      { field: 'healthCheckIntervalSeconds', valid: (x) => ([10, 30] as number[]).includes(x.healthCheckIntervalSeconds), expected: '10 or 30' },
    ]);

    const healthChecks: Record<string, Route53HealthCheck> = {};
    const records: Record<string, Route53Record> = {};
    for (const region of p.regions) {
      healthChecks[region.key] = new Route53HealthCheck(this, `${region.key}_health_check`, {
        type: GEO_HEALTH_CHECK_SETTINGS.type,
        fqdn: region.albDnsName,
        port: GEO_HEALTH_CHECK_SETTINGS.port,
        resourcePath: p.healthCheckPath,
        enableSni: GEO_HEALTH_CHECK_SETTINGS.enableSni,
        measureLatency: GEO_HEALTH_CHECK_SETTINGS.measureLatency,
        requestInterval: p.healthCheckIntervalSeconds,
        failureThreshold: p.healthCheckFailureThreshold,
        tags: nameTags(`${p.namePrefix}-${region.key.replace(/_/g, '-')}-health`),
      });
    }
    const defaultRegion = p.regions.find((r) => r.isDefault)!;
    this.defaultRegionKey = defaultRegion.key;
    this.defaultRecord = this.aliasRecord(p.defaultRecordId ?? 'default_record', p, defaultRegion, DEFAULT_SET_IDENTIFIER, healthChecks[defaultRegion.key], { country: '*' });
    for (const region of p.regions) {
      records[region.key] = this.aliasRecord(`${region.key}_record`, p, region, region.key, healthChecks[region.key], { continent: region.location });
      // After the default record: when a simple record of the same name is replaced by it,
      // Route 53 refuses geolocation records until the simple one is gone.
      records[region.key].dependsOn = [`${this.defaultRecord.terraformResourceType}.${this.defaultRecord.friendlyUniqueId}`];
    }
    this.healthChecks = healthChecks;
    this.records = records;
  }

  /** Health check ids by region key (for alarms; their metrics are in us-east-1). */
  get healthCheckIds(): Readonly<Record<string, string>> {
    return Object.fromEntries(Object.entries(this.healthChecks).map(([key, hc]) => [key, hc.id]));
  }

  /** HealthCheckStatus of a region (1 healthy, 0 unhealthy), published in us-east-1 only. */
  healthCheckStatusMetric(key: string): HealthCheckStatusMetric {
    const hc = this.healthChecks[key];
    if (!hc) throw new Error(`GeoRouting ${this.node.id}: no region with key "${key}" (keys: ${Object.keys(this.healthChecks).join(', ')})`);
    return { namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensions: { HealthCheckId: hc.id }, statistic: 'Minimum' };
  }

  private aliasRecord(
    id: string,
    p: { hostedZoneId: string; recordName: string },
    region: GeoRegion,
    setIdentifier: string,
    healthCheck: Route53HealthCheck,
    location: { continent?: string; country?: string },
  ): Route53Record {
    return new Route53Record(this, id, {
      zoneId: p.hostedZoneId,
      name: p.recordName,
      type: 'A',
      setIdentifier,
      healthCheckId: healthCheck.id,
      geolocationRoutingPolicy: location,
      alias: { name: region.albDnsName, zoneId: region.albZoneId, evaluateTargetHealth: true },
    });
  }
}

const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
