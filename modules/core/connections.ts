import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { validateProps } from './props';

/** Options of a data store's `allowFrom(peer)`. */
export interface AllowFromOptions {
  /**
   * Also add an egress rule to the peer's security group towards the store on its port, for
   * peers whose egress is restricted. Turn off if the caller manages the peer's egress.
   * @default true
   */
  readonly addPeerEgressRule?: boolean;
}

/** Characters EC2 accepts in a security group rule description. */
export const RULE_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/**
 * The inbound side of one data store (a security group admitting TCP on one
 * port): `allow(peer)` adds `<owner>_from_<peer address>_ingress` on the
 * store's group and, unless turned off, `<owner>_from_<peer address>_egress`
 * on the peer's. Rule addresses depend only on the peer, never on call order;
 * the same peer twice is refused.
 */
export class PeerAccess {
  private readonly peers = new Set<string>();

  constructor(
    private readonly owner: Construct,
    private readonly ownerName: string,
    private readonly target: () => SecurityGroup,
    private readonly port: number,
    /** Description of the peer-side egress rule, e.g. "PostgreSQL classifyhub-dev-postgres". */
    private readonly egressDescription: () => string,
  ) {}

  allow(peer: SecurityGroup, description: string, options: AllowFromOptions = {}): void {
    const key = peer.friendlyUniqueId;
    validateProps(`${this.ownerName}.allowFrom`, { peer: key, description }, [
      { field: 'peer', valid: () => !this.peers.has(key), expected: 'a security group not already allowed' },
      { field: 'description', valid: (x) => RULE_DESCRIPTION.test(x.description), expected: '1-255 characters of a-z A-Z 0-9 . _-:/()#,@[]+=&;{}!$* and space' },
    ]);
    this.peers.add(key);
    const target = this.target();
    new VpcSecurityGroupIngressRule(this.owner, `from_${key}_ingress`, {
      securityGroupId: target.id,
      referencedSecurityGroupId: peer.id,
      ipProtocol: 'tcp',
      fromPort: this.port,
      toPort: this.port,
      description,
    });
    if (options.addPeerEgressRule ?? true) {
      new VpcSecurityGroupEgressRule(this.owner, `from_${key}_egress`, {
        securityGroupId: peer.id,
        referencedSecurityGroupId: target.id,
        ipProtocol: 'tcp',
        fromPort: this.port,
        toPort: this.port,
        description: this.egressDescription(),
      });
    }
  }
}
