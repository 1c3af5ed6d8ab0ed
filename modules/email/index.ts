import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { SesDomainIdentity } from '@cdktf/provider-aws/lib/ses-domain-identity';
import { SesDomainDkim } from '@cdktf/provider-aws/lib/ses-domain-dkim';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { validateProps } from '../core/props';
import { IGrantable } from '../iam/policy';
import { actionsVerb, grantStatement } from '../iam/grant';

export interface EmailDomainProps {
  /** Domain to send from (SES domain identity). */
  readonly domainName: string;
  /**
   * Route 53 zone that gets the verification TXT and the three DKIM CNAMEs.
   * @default none - publish the records yourself (`aws ses get-identity-dkim-attributes`)
   */
  readonly hostedZoneId?: string;
  /**
   * Publish the `_amazonses` TXT verification record. Easy DKIM alone verifies
   * the domain; a second region's identity of the same domain must leave it
   * out, as the record name is the same in every region.
   * @default true
   */
  readonly verificationRecord?: boolean;
}

/**
 * An SES domain identity with Easy DKIM, and its DNS records when a hosted
 * zone is given. Senders get `grantSend(role, fromAddress)`.
 */
export class EmailDomain extends Construct {
  readonly identity: SesDomainIdentity;
  readonly dkim: SesDomainDkim;

  constructor(scope: Construct, id: string, props: EmailDomainProps) {
    super(scope, id);
    validateProps('EmailDomain', props, [
      { field: 'domainName', valid: (x) => /^([a-z0-9-]+\.)+[a-z]{2,63}$/.test(x.domainName), expected: 'a lower-case DNS name' },
    ]);
    this.identity = new SesDomainIdentity(this, 'identity', { domain: props.domainName });
    this.dkim = new SesDomainDkim(this, 'dkim', { domain: this.identity.domain });
    if (props.hostedZoneId && props.verificationRecord !== false) {
      new Route53Record(this, 'verification_record', {
        zoneId: props.hostedZoneId,
        name: `_amazonses.${props.domainName}`,
        type: 'TXT',
        ttl: 600,
        records: [this.identity.verificationToken],
      });
    }
    if (props.hostedZoneId) {
      // SES always issues exactly three DKIM tokens.
      for (let i = 0; i < 3; i++) {
        const token = Fn.element(this.dkim.dkimTokens, i);
        new Route53Record(this, `dkim_record_${i + 1}`, {
          zoneId: props.hostedZoneId,
          name: `${token}._domainkey.${props.domainName}`,
          type: 'CNAME',
          ttl: 600,
          records: [`${token}.dkim.amazonses.com`],
        });
      }
    }
  }

  /** Lets the grantee send e-mail from this domain, only with the given From address. */
  grantSend(grantee: IGrantable, fromAddress: string): void {
    grantStatement(grantee, { verb: 'SendFrom', resource: this, actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: [this.identity.arn], conditions: { StringEquals: { 'ses:FromAddress': fromAddress } } });
  }

  /**
   * Lets the grantee perform `actions` (e.g. 'ses:SendEmail') on the domain identity, from any address
   * of the domain; the statement id is the actions' names followed by the identity's construct path.
   */
  grant(grantee: IGrantable, ...actions: string[]): void {
    grantStatement(grantee, { verb: actionsVerb(actions), resource: this, actions, resources: [this.identity.arn] });
  }
}
