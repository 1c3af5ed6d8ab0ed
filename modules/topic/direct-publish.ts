/**
 * SNS publishing that is not to a topic: mobile push to platform endpoints (`sns:Publish` with
 * TargetArn), scoped to the account's platform endpoints, optionally of named platform
 * applications. (SMS straight to a phone number would need sns:Publish on "*": publish SMS to a
 * topic with per-number filtered subscriptions instead.)
 */
import { Construct } from 'constructs';
import { validateProps } from '../core/props';
import type { IGrantable } from '../iam/policy';
import { grantStatement } from '../iam/grant';

export interface DirectPublishingProps {
  /** Region of the endpoints, e.g. "us-east-1". */
  readonly region: string;
  /** 12-digit account id owning the platform applications. */
  readonly accountId: string;
  /**
   * Platform applications whose endpoints may be published to (names, e.g. "recall-apns").
   * @default every application of the account in the region ("endpoint/*")
   */
  readonly platformApplications?: readonly string[];
}

/** No resource of its own: the grant of direct (push) SNS publishing, named after this construct. */
export class DirectPublishing extends Construct {
  private readonly endpointArns: string[];

  constructor(scope: Construct, id: string, props: DirectPublishingProps) {
    super(scope, id);
    validateProps('DirectPublishing', props, [
      { field: 'region', valid: (x) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(x.region), expected: 'a region such as us-east-1' },
      { field: 'accountId', valid: (x) => /^\d{12}$/.test(x.accountId), expected: '12 digits' },
      { field: 'platformApplications', valid: (x) => (x.platformApplications ?? []).every((a) => /^[A-Za-z0-9_.-]{1,256}$/.test(a)), expected: 'platform application names' },
    ]);
    const base = `arn:aws:sns:${props.region}:${props.accountId}:endpoint`;
    this.endpointArns = props.platformApplications?.length ? props.platformApplications.map((a) => `${base}/*/${a}/*`) : [`${base}/*`];
  }

  /** sns:Publish to the platform endpoints (sid `PublishPush<path>`). */
  grantPublishPush(grantee: IGrantable): void {
    grantStatement(grantee, { verb: 'PublishPush', resource: this, actions: ['sns:Publish'], resources: this.endpointArns });
  }
}
