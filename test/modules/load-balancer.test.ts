import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Network } from '../../modules/network';
import { LoadBalancer, LoadBalancerProps } from '../../modules/load-balancer';
import { ELB_ACCOUNT_BY_REGION } from '../../modules/load-balancer/defaults';
import { Bucket } from '../../modules/object-store';
import { synthFixture } from '../helpers';

type Json = { resource: Record<string, Record<string, any>> };
/** Synthesizes constructs in a ReadableStack, so addresses are the ones stacks get. */
const synth = (build: (scope: Construct) => void): Json => JSON.parse(synthFixture(build)) as Json;
const synthText = (build: (scope: Construct) => void): string => JSON.stringify(synth(build));

const network = (scope: Construct, zones = 2) =>
  new Network(scope, 'network', { namePrefix: 't', cidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], publicSubnetCount: zones, logRetentionDays: 14 });
const targetGroup = (scope: Construct, id = 'api_security_group') => new SecurityGroup(scope, id, { name: id, description: 'targets', vpcId: 'vpc-1' });
const alb = (scope: Construct, extra: Partial<LoadBalancerProps> = {}) => {
  const net = network(scope);
  return new LoadBalancer(scope, 'alb', {
    namePrefix: 'classifyhub-dev', vpc: net.vpc, subnets: net.publicSubnets, domainName: 'app.dev.example.com', hostedZoneId: 'Z123',
    region: 'us-east-1', accountId: '123456789012', ...extra,
  });
};
const logPolicy = (json: Json) => JSON.parse(json.resource.aws_s3_bucket_policy.alb_access_logs_bucket_policy.policy);

describe('LoadBalancer', () => {
  test('internet-facing ALB: invalid headers dropped, desync mitigation, deletion protection off by default, logs to the bucket', () => {
    const json = synth((s) => alb(s));
    const lb = json.resource.aws_lb.alb_load_balancer;
    expect(lb).toMatchObject({
      name: 'classifyhub-dev-alb', internal: false, load_balancer_type: 'application', drop_invalid_header_fields: true,
      desync_mitigation_mode: 'defensive', enable_deletion_protection: false, idle_timeout: 60,
      security_groups: ['${aws_security_group.alb_security_group.id}'],
      subnets: ['${aws_subnet.network_public_subnet_1.id}', '${aws_subnet.network_public_subnet_2.id}'],
      access_logs: { bucket: '${aws_s3_bucket.alb_access_logs_bucket_bucket.bucket}', prefix: 'alb', enabled: true },
    });
    // ELB tests write access when logging is switched on: the bucket policy must exist first.
    expect(lb.depends_on).toEqual(['aws_s3_bucket_policy.alb_access_logs_bucket_policy']);
  });

  test('deletion protection, idle timeout and strictest desync mitigation are passed through', () => {
    const out = synthText((s) => alb(s, { deletionProtection: true, idleTimeoutSeconds: 120, desyncMitigationMode: 'strictest' }));
    expect(out).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true, idle_timeout: 120, desync_mitigation_mode: 'strictest' });
  });

  test('HTTP listener on 80 redirects to HTTPS 443 with a 301', () => {
    const json = synth((s) => alb(s));
    expect(json.resource.aws_lb_listener.alb_http_redirect).toMatchObject({
      port: 80, protocol: 'HTTP',
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
    });
  });

  test('HTTPS listener: TLS 1.3/1.2 policy, validated certificate, 404 until a target is added', () => {
    const json = synth((s) => alb(s));
    expect(json.resource.aws_lb_listener.alb_https_listener).toMatchObject({
      port: 443, protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: '${aws_acm_certificate_validation.alb_certificate_validation.certificate_arn}',
      default_action: [{ type: 'fixed-response', fixed_response: { status_code: '404', content_type: 'text/plain' } }],
    });
    const custom = synthText((s) => alb(s, { sslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' }));
    expect(custom).toHaveResourceWithProperties(LbListener, { ssl_policy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' });
  });

  test('certificate validated by DNS: one record per distinct validation name, looked up by domain, not by set index', () => {
    const json = synth((s) => alb(s, { subjectAlternativeNames: ['*.app.dev.example.com', 'api.dev.example.com'] }));
    expect(json.resource.aws_acm_certificate.alb_certificate).toMatchObject({
      domain_name: 'app.dev.example.com', subject_alternative_names: ['*.app.dev.example.com', 'api.dev.example.com'], validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
    const records = json.resource.aws_route53_record;
    // "*.app..." validates with the record of "app...": two records for three names.
    expect(Object.keys(records).sort()).toEqual(['alb_certificate_validation_record_api_dev_example_com', 'alb_certificate_validation_record_app_dev_example_com']);
    const app = records.alb_certificate_validation_record_app_dev_example_com;
    expect(app).toMatchObject({ zone_id: 'Z123', allow_overwrite: true, ttl: 300 });
    expect(app.name).toBe('${{ for key, val in toset(tolist(aws_acm_certificate.alb_certificate.domain_validation_options)): val.domain_name => val }["app.dev.example.com"].resource_record_name}');
    expect(records.alb_certificate_validation_record_api_dev_example_com.records[0]).toMatch(/\["api\.dev\.example\.com"\]\.resource_record_value\}$/);
    expect(json.resource.aws_acm_certificate_validation.alb_certificate_validation.validation_record_fqdns).toEqual([
      '${aws_route53_record.alb_certificate_validation_record_app_dev_example_com.fqdn}',
      '${aws_route53_record.alb_certificate_validation_record_api_dev_example_com.fqdn}',
    ]);
  });

  test('security group: 443 and 80 from anywhere (IPv4 and IPv6), no egress until a target is added', () => {
    const json = synth((s) => alb(s));
    const ingress = json.resource.aws_vpc_security_group_ingress_rule;
    expect(Object.keys(ingress).sort()).toEqual(['alb_ingress_443_ipv4', 'alb_ingress_443_ipv6', 'alb_ingress_80_ipv4', 'alb_ingress_80_ipv6']);
    expect(ingress.alb_ingress_443_ipv4).toMatchObject({ security_group_id: '${aws_security_group.alb_security_group.id}', from_port: 443, to_port: 443, ip_protocol: 'tcp', cidr_ipv4: '0.0.0.0/0' });
    expect(ingress.alb_ingress_80_ipv6).toMatchObject({ from_port: 80, cidr_ipv6: '::/0' });
    expect(json.resource.aws_security_group.alb_security_group).toMatchObject({ name: 'classifyhub-dev-alb', vpc_id: '${aws_vpc.network_vpc.id}' });
    expect(json.resource.aws_security_group.alb_security_group.egress).toBeUndefined();
    expect(json.resource.aws_vpc_security_group_egress_rule).toBeUndefined();
  });

  test('access-log bucket: named per account, SSE-S3, logs expire after the retention, ELB may put objects under the prefix only', () => {
    const json = synth((s) => alb(s, { accessLogRetentionDays: 30 }));
    expect(json.resource.aws_s3_bucket.alb_access_logs_bucket_bucket.bucket).toBe('classifyhub-dev-alb-logs-123456789012');
    expect(json.resource.aws_s3_bucket_server_side_encryption_configuration.alb_access_logs_bucket_encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    const rules = json.resource.aws_s3_bucket_lifecycle_configuration.alb_access_logs_bucket_lifecycle.rule;
    expect(rules.map((r: any) => r.id)).toEqual(['expire-noncurrent-versions-and-abort-uploads', 'expire-current-versions']);
    expect(rules[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 1 }]);
    expect(rules[1].expiration).toEqual([{ days: 30 }]);
    const policy = logPolicy(json);
    expect(policy.Statement[0].Sid).toBe('DenyInsecureTransport');
    expect(policy.Statement[1]).toEqual({
      Sid: 'AllowElbAccessLogDelivery', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::127311923021:root' }, Action: 's3:PutObject',
      Resource: '${aws_s3_bucket.alb_access_logs_bucket_bucket.arn}/alb/AWSLogs/123456789012/*',
    });
  });

  test.each([
    ['us-east-1', { AWS: 'arn:aws:iam::127311923021:root' }],
    ['us-east-2', { AWS: 'arn:aws:iam::033677994240:root' }],
    ['us-west-1', { AWS: 'arn:aws:iam::027434742980:root' }],
    ['us-west-2', { AWS: 'arn:aws:iam::797873946194:root' }],
    ['eu-west-1', { AWS: 'arn:aws:iam::156460612806:root' }],
    ['eu-central-1', { AWS: 'arn:aws:iam::054676820928:root' }],
    ['ap-southeast-1', { AWS: 'arn:aws:iam::114774131450:root' }],
    ['ap-southeast-2', { AWS: 'arn:aws:iam::783225319266:root' }],
    ['ap-northeast-1', { AWS: 'arn:aws:iam::582318560864:root' }],
    ['ap-south-2', { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }],
    ['eu-central-2', { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }],
  ])('log delivery principal in %s', (region, principal) => {
    expect(logPolicy(synth((s) => alb(s, { region }))).Statement[1].Principal).toEqual(principal);
  });

  test('ELB account table holds 12-digit accounts', () => {
    expect(Object.values(ELB_ACCOUNT_BY_REGION).every((a) => /^\d{12}$/.test(a))).toBe(true);
  });

  test('addTarget: IP target group with health check, security groups opened both ways on the port, first target is the default', () => {
    let tg!: LbTargetGroup;
    let lb!: LoadBalancer;
    const json = synth((s) => {
      lb = alb(s);
      tg = lb.addTarget('backend', { port: 8080, healthCheckPath: '/health', targetSecurityGroup: targetGroup(s) });
    });
    expect(json.resource.aws_lb_target_group.alb_backend_target_group).toMatchObject({
      name: 'classifyhub-dev-backend', target_type: 'ip', protocol: 'HTTP', port: 8080, vpc_id: '${aws_vpc.network_vpc.id}', deregistration_delay: '30',
      health_check: { enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/health', matcher: '200-399' },
    });
    expect(json.resource.aws_vpc_security_group_egress_rule.alb_backend_target_egress).toMatchObject({
      security_group_id: '${aws_security_group.alb_security_group.id}', referenced_security_group_id: '${aws_security_group.api_security_group.id}',
      ip_protocol: 'tcp', from_port: 8080, to_port: 8080,
    });
    expect(json.resource.aws_vpc_security_group_ingress_rule.alb_backend_target_ingress).toMatchObject({
      security_group_id: '${aws_security_group.api_security_group.id}', referenced_security_group_id: '${aws_security_group.alb_security_group.id}',
      ip_protocol: 'tcp', from_port: 8080, to_port: 8080,
    });
    expect(json.resource.aws_lb_listener.alb_https_listener.default_action).toEqual([{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_backend_target_group.arn}' }]);
    expect(lb.targetGroups.backend).toBe(tg);
  });

  test('addTarget: an explicit default wins over the first target; a second explicit default is refused', () => {
    const json = synth((s) => {
      const lb = alb(s);
      const sg = targetGroup(s);
      lb.addTarget('frontend', { port: 3000, healthCheckPath: '/', targetSecurityGroup: sg, deregistrationDelaySeconds: 5 });
      lb.addTarget('backend', { port: 8080, healthCheckPath: '/health', targetSecurityGroup: sg, default: true });
      expect(() => lb.addTarget('admin', { port: 9000, healthCheckPath: '/', targetSecurityGroup: sg, default: true })).toThrow(
        /default: received true; expected one default target only \("backend" already is\)/,
      );
    });
    expect(json.resource.aws_lb_listener.alb_https_listener.default_action[0].target_group_arn).toBe('${aws_lb_target_group.alb_backend_target_group.arn}');
    expect(json.resource.aws_lb_target_group.alb_frontend_target_group.deregistration_delay).toBe('5');
  });

  test('addTarget: default false keeps the 404; a group and port already connected gets no duplicate rules', () => {
    const json = synth((s) => {
      const lb = alb(s);
      const sg = targetGroup(s);
      lb.addTarget('blue', { port: 8080, healthCheckPath: '/', targetSecurityGroup: sg, default: false });
      lb.addTarget('green', { port: 8080, healthCheckPath: '/', targetSecurityGroup: sg, default: false });
    });
    expect(json.resource.aws_lb_listener.alb_https_listener.default_action[0].type).toBe('fixed-response');
    expect(Object.keys(json.resource.aws_vpc_security_group_egress_rule)).toEqual(['alb_blue_target_egress']);
    expect(Object.keys(json.resource.aws_lb_target_group).sort()).toEqual(['alb_blue_target_group', 'alb_green_target_group']);
  });

  test('exposes DNS name, zone and ARN suffixes for alias records and CloudWatch dimensions', () => {
    const json = synth((s) => {
      const lb = alb(s);
      const tg = lb.addTarget('backend', { port: 8080, healthCheckPath: '/health', targetSecurityGroup: targetGroup(s) });
      const outputs = { dns: lb.dnsName, zone: lb.zoneId, lb_suffix: lb.arnSuffix, tg_suffix: tg.arnSuffix, via_map: lb.targetGroups.backend.arnSuffix, bucket: lb.accessLogsBucket.bucketName };
      for (const [id, value] of Object.entries(outputs)) new TerraformOutput(s, id, { value });
    }) as Json & { output: Record<string, { value: string }> };
    expect(Object.fromEntries(Object.entries(json.output).map(([k, v]) => [k, v.value]))).toEqual({
      dns: '${aws_lb.alb_load_balancer.dns_name}',
      zone: '${aws_lb.alb_load_balancer.zone_id}',
      lb_suffix: '${aws_lb.alb_load_balancer.arn_suffix}',
      tg_suffix: '${aws_lb_target_group.alb_backend_target_group.arn_suffix}',
      via_map: '${aws_lb_target_group.alb_backend_target_group.arn_suffix}',
      bucket: '${aws_s3_bucket.alb_access_logs_bucket_bucket.bucket}',
    });
  });

  describe('validation names the field and the value', () => {
    test('too few subnets', () => {
      expect(() =>
        synth((s) => {
          const net = network(s, 1);
          new LoadBalancer(s, 'alb', { namePrefix: 't', vpc: net.vpc, subnets: net.publicSubnets, domainName: 'a.example.com', hostedZoneId: 'Z1', region: 'us-east-1', accountId: '123456789012' });
        }),
      ).toThrow(/LoadBalancer: invalid props\n {2}- subnets: received \["test\/network\/public_subnet_1"\]; expected at least 2 distinct public subnets/);
    });
    test('target group name too long', () => {
      expect(() => synth((s) => alb(s).addTarget('very_long_backend_service', { port: 8080, healthCheckPath: '/', targetSecurityGroup: targetGroup(s) }))).toThrow(
        /addTarget\("very_long_backend_service"\): invalid props\n {2}- targetGroupName: received "classifyhub-dev-very-long-backend-service"; expected at most 32/,
      );
    });
    test('bad port, bad health check path, bad id', () => {
      expect(() => synth((s) => alb(s).addTarget('api', { port: 70000, healthCheckPath: '/', targetSecurityGroup: targetGroup(s) }))).toThrow(/port: received 70000; expected a whole number from 1 to 65535/);
      expect(() => synth((s) => alb(s).addTarget('api', { port: 80.5, healthCheckPath: 'health', targetSecurityGroup: targetGroup(s) }))).toThrow(
        /port: received 80.5; .*\n {2}- healthCheckPath: received "health"; expected a path starting with "\/"/,
      );
      expect(() => synth((s) => alb(s).addTarget('Api', { port: 80, healthCheckPath: '/', targetSecurityGroup: targetGroup(s) }))).toThrow(/id: received "Api"; expected a snake_case id/);
    });
    test('a target id used twice', () => {
      expect(() =>
        synth((s) => {
          const lb = alb(s);
          lb.addTarget('api', { port: 80, healthCheckPath: '/', targetSecurityGroup: targetGroup(s) });
          lb.addTarget('api', { port: 81, healthCheckPath: '/', targetSecurityGroup: targetGroup(s, 'other') });
        }),
      ).toThrow(/id: received "api"; expected an id not used by another target/);
    });
    test('weak TLS policy, bad region, account, name prefix, duplicate SAN', () => {
      expect(() => synth((s) => alb(s, { sslPolicy: 'ELBSecurityPolicy-2016-08' }))).toThrow(/sslPolicy: received "ELBSecurityPolicy-2016-08"; expected an ELB security policy allowing TLS 1.2\+ only/);
      expect(() => synth((s) => alb(s, { region: 'cn-north-1' }))).toThrow(/region: received "cn-north-1"; expected a region of the aws partition/);
      expect(() => synth((s) => alb(s, { accountId: '1234' }))).toThrow(/accountId: received "1234"; expected 12 digits/);
      expect(() => synth((s) => alb(s, { namePrefix: 'a-name-prefix-that-is-far-too-long' }))).toThrow(/namePrefix: received "a-name-prefix-that-is-far-too-long"; expected 1-28/);
      expect(() => synth((s) => alb(s, { subjectAlternativeNames: ['app.dev.example.com'] }))).toThrow(/subjectAlternativeNames: received \["app.dev.example.com"\]; expected names that appear once/);
      expect(() => synth((s) => alb(s, { idleTimeoutSeconds: 0 }))).toThrow(/idleTimeoutSeconds: received 0; expected a whole number from 1 to 4000/);
    });
  });
});

describe('Bucket.currentVersionExpiryDays (used for the access logs)', () => {
  test('unset: one lifecycle rule, as before; set: a second rule expiring current versions', () => {
    const rules = (json: Json, id: string) => json.resource.aws_s3_bucket_lifecycle_configuration[`${id}_lifecycle`].rule;
    const plain = synth((s) => new Bucket(s, 'b', { bucketName: 'plain-bucket' }));
    expect(rules(plain, 'b')).toHaveLength(1);
    expect(rules(plain, 'b')[0].expiration).toBeUndefined();
    const expiring = synth((s) => new Bucket(s, 'b', { bucketName: 'expiring-bucket', currentVersionExpiryDays: 7 }));
    expect(rules(expiring, 'b')[1]).toEqual({ id: 'expire-current-versions', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: 7 }] });
  });
  test('rejects a retention that is not a whole number of days', () => {
    expect(() => synth((s) => new Bucket(s, 'b', { bucketName: 'ok-name', currentVersionExpiryDays: 0 }))).toThrow(/currentVersionExpiryDays: received 0; expected a whole number of days >= 1/);
  });
});
