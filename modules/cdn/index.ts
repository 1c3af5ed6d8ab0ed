import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { validateProps, withDefaults } from '../core/props';
import { Bucket } from '../object-store';
import { DISTRIBUTION_DEFAULTS } from './defaults';

export interface DistributionProps {
  /** Name prefix for the origin access control and comments. */
  readonly namePrefix: string;
  /** Domain name viewers use (alias of the distribution), e.g. cdn.example.com. */
  readonly domainName: string;
  /** Route 53 zone holding domainName: gets the certificate validation and alias records. */
  readonly hostedZoneId: string;
  /** Provider for us-east-1, where CloudFront certificates must live. */
  readonly usEast1Provider: TerraformProvider;
  /** DNS name of the HTTPS origin serving the UI (default behaviour). */
  readonly appOriginDomainName: string;
  /** Bucket serving objects under bucketPathPattern, through origin access control. */
  readonly bucket: Bucket;
  /**
   * Path pattern routed to the bucket.
   * @default "images/*"
   */
  readonly bucketPathPattern?: string;
  /**
   * CloudFront price class.
   * @default "PriceClass_100"
   */
  readonly priceClass?: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  /**
   * Minimum viewer TLS version.
   * @default "TLSv1.2_2021"
   */
  readonly minimumProtocolVersion?: 'TLSv1.2_2019' | 'TLSv1.2_2021' | 'TLSv1.3_2025';
  /**
   * ARN of a CloudFront-scoped AWS WAF web ACL (modules/waf `WebAcl.webAclArn`, scope "cloudfront").
   * @default none - no web ACL (the guardrail CH-WAF-001 refuses that in staging and prod)
   */
  readonly webAclArn?: string;
}

/**
 * A CloudFront distribution with two origins: an HTTPS application origin for
 * the UI (default behaviour) and an S3 bucket for images through origin access
 * control, whose grant it adds to the bucket policy. HTTPS only (HTTP
 * redirects), TLS 1.2+ to viewers and origin, DNS-validated ACM certificate
 * in us-east-1, and an alias record.
 */
export class Distribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly certificate: AcmCertificate;

  constructor(scope: Construct, id: string, props: DistributionProps) {
    super(scope, id);
    const p = withDefaults(DISTRIBUTION_DEFAULTS, props);
    validateProps('Distribution', p, [
      { field: 'domainName', valid: (x) => /^([a-z0-9-]+\.)+[a-z]{2,63}$/.test(x.domainName), expected: 'a lower-case DNS name' },
      { field: 'appOriginDomainName', valid: (x) => /^([a-z0-9-]+\.)+[a-z]{2,63}$/.test(x.appOriginDomainName), expected: 'a lower-case DNS name (CloudFront origins cannot be IP addresses)' },
      { field: 'bucketPathPattern', valid: (x) => /^[A-Za-z0-9_./-]+\*$/.test(x.bucketPathPattern), expected: 'a path pattern ending in *, e.g. images/*' },
    ]);

    this.certificate = new AcmCertificate(this, 'certificate', {
      provider: p.usEast1Provider,
      domainName: p.domainName,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const option = this.certificate.domainValidationOptions.get(0);
    const validationRecord = new Route53Record(this, 'certificate_validation_record', {
      zoneId: p.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'certificate_validation', {
      provider: p.usEast1Provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [validationRecord.fqdn],
    });

    const oac = new CloudfrontOriginAccessControl(this, 'bucket_origin_access_control', {
      name: `${p.namePrefix}-images`,
      description: `CloudFront access to the images bucket of ${p.namePrefix}`,
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });

    const appOriginId = 'app';
    const bucketOriginId = 'images';
    this.distribution = new CloudfrontDistribution(this, 'distribution', {
      enabled: true,
      comment: `${p.namePrefix} UI and images`,
      aliases: [p.domainName],
      priceClass: p.priceClass,
      httpVersion: 'http2and3',
      isIpv6Enabled: true,
      origin: [
        {
          originId: appOriginId,
          domainName: p.appOriginDomainName,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: 'https-only',
            originSslProtocols: ['TLSv1.2'],
          },
        },
        {
          originId: bucketOriginId,
          domainName: p.bucket.bucket.bucketRegionalDomainName,
          originAccessControlId: oac.id,
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: appOriginId,
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        cachePolicyId: p.cachingOptimizedPolicyId,
        originRequestPolicyId: p.allViewerExceptHostPolicyId,
        responseHeadersPolicyId: p.securityHeadersPolicyId,
      },
      orderedCacheBehavior: [
        {
          pathPattern: p.bucketPathPattern,
          targetOriginId: bucketOriginId,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD'],
          cachedMethods: ['GET', 'HEAD'],
          compress: true,
          cachePolicyId: p.cachingOptimizedPolicyId,
          responseHeadersPolicyId: p.securityHeadersPolicyId,
        },
      ],
      ...(p.webAclArn ? { webAclId: p.webAclArn } : {}),
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: {
        acmCertificateArn: validation.certificateArn,
        sslSupportMethod: 'sni-only',
        minimumProtocolVersion: p.minimumProtocolVersion,
      },
    });

    p.bucket.addToResourcePolicy({
      sid: 'AllowCloudFrontReadImages',
      principals: { Service: 'cloudfront.amazonaws.com' },
      actions: ['s3:GetObject'],
      resources: [p.bucket.arnForObjects(p.bucketPathPattern.replace(/\*$/, ''))],
      conditions: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
    });

    for (const type of ['A', 'AAAA'] as const) {
      new Route53Record(this, `alias_record_${type.toLowerCase()}`, {
        zoneId: p.hostedZoneId,
        name: p.domainName,
        type,
        alias: { name: this.distribution.domainName, zoneId: this.distribution.hostedZoneId, evaluateTargetHealth: false },
      });
    }
  }

  get domainName(): string {
    return this.distribution.domainName;
  }
}
