/**
 * Shared by the security group rules (not a rule itself): the ingress a
 * resource opens to the whole internet, whichever of the three Terraform
 * shapes it uses.
 */
import type { ResourceView, RuleContext } from '../types';
import { blocks, numberOf, strings } from '../helpers';

export const WORLD = ['0.0.0.0/0', '::/0'];

export interface WorldIngress {
  readonly cidr: string;
  /** "tcp", "udp", "icmp", ... or "all". */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
}

/** Resource types that can open ingress. */
export const INGRESS_TYPES = ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule', 'aws_security_group'];

function protocolOf(value: unknown): string {
  const p = String(value ?? 'all').toLowerCase();
  return p === '-1' || p === 'all' ? 'all' : p === '6' ? 'tcp' : p === '17' ? 'udp' : p;
}

function entry(cidr: string, protocol: unknown, from: unknown, to: unknown): WorldIngress {
  const proto = protocolOf(protocol);
  const all = proto === 'all';
  return { cidr, protocol: proto, fromPort: all ? 0 : numberOf(from) ?? 0, toPort: all ? 65535 : numberOf(to) ?? 65535 };
}

/** Ingress from 0.0.0.0/0 or ::/0 that a resource opens. */
export function worldIngress(resource: ResourceView): WorldIngress[] {
  const c = resource.config;
  if (resource.type === 'aws_vpc_security_group_ingress_rule') {
    return [c.cidr_ipv4, c.cidr_ipv6].filter((x): x is string => typeof x === 'string' && WORLD.includes(x)).map((cidr) => entry(cidr, c.ip_protocol, c.from_port, c.to_port));
  }
  if (resource.type === 'aws_security_group_rule') {
    if (c.type !== 'ingress') return [];
    return [...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)].filter((x) => WORLD.includes(x)).map((cidr) => entry(cidr, c.protocol, c.from_port, c.to_port));
  }
  if (resource.type === 'aws_security_group') {
    return blocks(c.ingress).flatMap((i) => [...strings(i.cidr_blocks), ...strings(i.ipv6_cidr_blocks)].filter((x) => WORLD.includes(x)).map((cidr) => entry(cidr, i.protocol, i.from_port, i.to_port)));
  }
  return [];
}

/** The security group a rule resource belongs to (the group itself for inline rules). */
export function groupOf(resource: ResourceView, context: RuleContext): string | undefined {
  return resource.type === 'aws_security_group' ? resource.address : context.target(resource.config.security_group_id);
}

export function describe(i: WorldIngress): string {
  const ports = i.protocol === 'all' ? 'all traffic' : i.fromPort === i.toPort ? `${i.protocol} ${i.fromPort}` : `${i.protocol} ${i.fromPort}-${i.toPort}`;
  return `${ports} from ${i.cidr}`;
}
