/**
 * A private custom domain name of a private REST API (API Gateway, since November 2024): the name clients (or a load
 * balancer forwarding their Host header) use inside the VPC, served through one execute-api interface endpoint.
 * Added for the ingestion system (ALB -> private API through the endpoint's addresses).
 */
import { Construct } from 'constructs';
import { ApiGatewayBasePathMapping } from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayDomainName } from '@cdktf/provider-aws/lib/api-gateway-domain-name';
import { ApiGatewayDomainNameAccessAssociation } from '@cdktf/provider-aws/lib/api-gateway-domain-name-access-association';
import { validateProps } from '../core/props';
import { nameTags } from '../core/tags';
import { renderPolicy } from '../iam/policy';
import type { RestApi } from './index';

export interface PrivateDomainProps {
  /** The private API served under the name (its stage is mapped at `basePath`). */
  readonly api: RestApi;
  /** DNS name, e.g. "ingest.dev.example.com". */
  readonly domainName: string;
  /** ACM certificate (same region) covering the name. */
  readonly certificateArn: string;
  /** The execute-api interface endpoint allowed to reach the name. */
  readonly vpcEndpointId: string;
  /** Path under which the stage is served; "" maps the root. @default '' */
  readonly basePath?: string;
}

/**
 * `aws_api_gateway_domain_name.<id>_domain_name` (endpoint PRIVATE, TLS 1.2, policy: execute-api:Invoke only through
 * the endpoint), its access association with the endpoint, and the base path mapping of the API's stage.
 */
export class PrivateDomain extends Construct {
  readonly domainName: ApiGatewayDomainName;

  constructor(scope: Construct, id: string, props: PrivateDomainProps) {
    super(scope, id);
    validateProps('PrivateDomain', { domainName: props.domainName, basePath: props.basePath ?? '' }, [
      { field: 'domainName', valid: (x) => /^([a-z0-9-]+\.)+[a-z]{2,63}$/.test(x.domainName), expected: 'a lower-case DNS name' },
      { field: 'basePath', valid: (x) => /^[A-Za-z0-9._-]*$/.test(x.basePath), expected: 'empty or one path segment' },
    ]);
    this.domainName = new ApiGatewayDomainName(this, 'domain_name', {
      domainName: props.domainName,
      certificateArn: props.certificateArn,
      securityPolicy: 'TLS_1_2',
      endpointConfiguration: { types: ['PRIVATE'] },
      policy: renderPolicy([
        { sid: 'AllowThroughEndpoint', principals: { AWS: '*' }, actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] },
        { sid: 'DenyOtherSources', effect: 'Deny', principals: { AWS: '*' }, actions: ['execute-api:Invoke'], resources: ['execute-api:/*'], conditions: { StringNotEquals: { 'aws:SourceVpce': props.vpcEndpointId } } },
      ]),
      tags: nameTags(props.domainName),
    });
    new ApiGatewayDomainNameAccessAssociation(this, 'access_association', {
      accessAssociationSource: props.vpcEndpointId,
      accessAssociationSourceType: 'VPCE',
      domainNameArn: this.domainName.arn,
    });
    new ApiGatewayBasePathMapping(this, 'base_path_mapping', {
      apiId: props.api.api.id,
      stageName: props.api.stage.stageName,
      domainName: this.domainName.domainName,
      domainNameId: this.domainName.domainNameId,
      basePath: props.basePath || undefined,
    });
  }
}
