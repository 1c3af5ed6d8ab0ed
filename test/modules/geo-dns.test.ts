import { Construct } from 'constructs';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { GeoRegion, GeoRouting, GeoRoutingProps } from '../../modules/geo-dns';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
const synth = synthFixture;
const parsed = (s: string) => JSON.parse(s) as Json;

const US: GeoRegion = { key: 'us_east_1', location: 'NA', albDnsName: 'ch-1.us-east-1.elb.amazonaws.com', albZoneId: 'Z35SXDOTRQ7X7K', isDefault: true };
const EU: GeoRegion = { key: 'eu_west_1', location: 'EU', albDnsName: 'ch-2.eu-west-1.elb.amazonaws.com', albZoneId: 'Z32O12XQLNTSW2' };
const AP: GeoRegion = { key: 'ap_southeast_1', location: 'AS', albDnsName: 'ch-3.ap-southeast-1.elb.amazonaws.com', albZoneId: 'Z1LMS91P8CMLE5' };
const props = (extra: Partial<GeoRoutingProps> = {}): GeoRoutingProps => ({ namePrefix: 'ch', hostedZoneId: 'Z0123456789ABC', recordName: 'app.example.com', regions: [US, EU, AP], ...extra });
const geo = (extra: Partial<GeoRoutingProps> = {}) => (s: Construct) => new GeoRouting(s, 'geo', props(extra));

describe('GeoRouting', () => {
  test('per region: HTTPS health check of the ALB and a continent alias record; plus the * default record', () => {
    const out = synth(geo());
    const json = parsed(out);
    expect(Object.keys(json.resource.aws_route53_health_check).sort()).toEqual(['geo_ap_southeast_1_health_check', 'geo_eu_west_1_health_check', 'geo_us_east_1_health_check']);
    expect(Object.keys(json.resource.aws_route53_record).sort()).toEqual(['geo_ap_southeast_1_record', 'geo_default_record', 'geo_eu_west_1_record', 'geo_us_east_1_record']);

    expect(json.resource.aws_route53_health_check.geo_eu_west_1_health_check).toEqual({
      type: 'HTTPS', fqdn: EU.albDnsName, port: 443, resource_path: '/healthz', enable_sni: true, measure_latency: false,
      request_interval: 30, failure_threshold: 3, tags: { Name: 'ch-eu-west-1-health' },
    });
    expect(json.resource.aws_route53_health_check.geo_eu_west_1_health_check.regions).toBeUndefined();

    expect(json.resource.aws_route53_record.geo_eu_west_1_record).toEqual({
      depends_on: ['aws_route53_record.geo_default_record'],
      zone_id: 'Z0123456789ABC', name: 'app.example.com', type: 'A', set_identifier: 'eu_west_1',
      health_check_id: '${aws_route53_health_check.geo_eu_west_1_health_check.id}',
      geolocation_routing_policy: { continent: 'EU' },
      alias: { name: EU.albDnsName, zone_id: EU.albZoneId, evaluate_target_health: true },
    });
    expect(json.resource.aws_route53_record.geo_default_record).toMatchObject({
      set_identifier: 'default', geolocation_routing_policy: { country: '*' },
      health_check_id: '${aws_route53_health_check.geo_us_east_1_health_check.id}',
      alias: { name: US.albDnsName, zone_id: US.albZoneId, evaluate_target_health: true },
    });
  });

  test('health check settings from props', () => {
    expect(synth(geo({ healthCheckPath: '/ready', healthCheckFailureThreshold: 2, healthCheckIntervalSeconds: 10 })))
      .toHaveResourceWithProperties(Route53HealthCheck, { resource_path: '/ready', failure_threshold: 2, request_interval: 10 });
  });

  test('addresses do not depend on region order', () => {
    const names = (regions: GeoRegion[]) => Object.keys(parsed(synth(geo({ regions }))).resource.aws_route53_record).sort();
    expect(names([AP, EU, US])).toEqual(names([US, EU, AP]));
  });

  test('ALB attributes may be tokens; health check ids and HealthCheckStatus metrics for alarms', () => {
    let routing: GeoRouting | undefined;
    const json = parsed(synth((s) => {
      const lb = new Lb(s, 'alb', { name: 'ch', internal: false, loadBalancerType: 'application', subnets: ['subnet-1', 'subnet-2'] });
      routing = new GeoRouting(s, 'geo', props({ regions: [{ key: 'eu_west_1', location: 'EU', albDnsName: lb.dnsName, albZoneId: lb.zoneId, isDefault: true }] }));
    }));
    expect(json.resource.aws_route53_record.geo_eu_west_1_record.alias).toEqual({ name: '${aws_lb.alb.dns_name}', zone_id: '${aws_lb.alb.zone_id}', evaluate_target_health: true });
    expect(routing!.defaultRegionKey).toBe('eu_west_1');
    expect(Object.keys(routing!.healthCheckIds)).toEqual(['eu_west_1']);
    const metric = routing!.healthCheckStatusMetric('eu_west_1');
    expect(metric).toMatchObject({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', statistic: 'Minimum' });
    expect(() => routing!.healthCheckStatusMetric('us_west_2')).toThrow(/no region with key "us_west_2" \(keys: eu_west_1\)/);
  });

  test('validation names the field and the value', () => {
    const fails = (extra: Partial<GeoRoutingProps>, message: RegExp) => expect(() => synth(geo(extra))).toThrow(message);
    fails({ regions: [] }, /regions: received \[\]; expected at least one region/);
    fails({ regions: [US, { ...EU, key: 'us_east_1' }] }, /regions: received .*; expected unique keys \(got \["us_east_1","us_east_1"\]\)/);
    fails({ regions: [US, { ...EU, location: 'NA' }] }, /expected one region per continent \(got \["NA","NA"\]\)/);
    fails({ regions: [{ ...US, isDefault: false }, EU] }, /expected exactly one region with isDefault: true \(got 0\)/);
    fails({ regions: [US, { ...EU, isDefault: true }] }, /expected exactly one region with isDefault: true \(got 2\)/);
    fails({ regions: [{ ...US, key: 'default' }] }, /expected snake_case keys other than "default"/);
    fails({ regions: [{ ...US, location: 'XX' as never }] }, /expected locations among AF, AN, AS, EU, NA, OC, SA \(got \["XX"\]\)/);
    fails({ recordName: 'app' }, /recordName: received "app"; expected a fully qualified lower-case DNS name/);
    fails({ recordName: 'app.example.com.' }, /recordName: received "app\.example\.com\."/);
    fails({ healthCheckIntervalSeconds: 20 as never }, /healthCheckIntervalSeconds: received 20; expected 10 or 30/);
    fails({ healthCheckPath: 'healthz' }, /healthCheckPath: received "healthz"; expected a path starting with \//);
  });
});

describe('GeoRouting default record id', () => {
  test('defaultRecordId keeps a chosen address, and the continent records wait for it', () => {
    const json = parsed(synth((s) => new GeoRouting(s, 'app', props({ defaultRecordId: 'record' }))));
    const records = json.resource.aws_route53_record;
    expect(Object.keys(records).sort()).toEqual(['app_ap_southeast_1_record', 'app_eu_west_1_record', 'app_record', 'app_us_east_1_record']);
    expect(records.app_record.geolocation_routing_policy).toEqual({ country: '*' });
    for (const key of ['app_us_east_1_record', 'app_eu_west_1_record', 'app_ap_southeast_1_record']) expect(records[key].depends_on).toEqual(['aws_route53_record.app_record']);
  });
});
