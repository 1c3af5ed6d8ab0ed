/**
 * Pure IPv4 CIDR arithmetic (same result as Terraform's cidrsubnet()) and the
 * subnet layout of the Network construct.
 *
 * Layout rule, for a VPC of prefix P (/16 to /20):
 * - public subnet n (1-6)  = cidrsubnet(vpc, 8, n - 1): size P+8, packed from the start of the range
 *   (/24s of a /16, /28s of a /20). All six fit inside the first 1/16 of the VPC (block 0 below).
 * - private subnet n (1-6) = cidrsubnet(vpc, 4, n): size P+4 (/20s of a /16, /22s of a /18, /24s of a /20),
 *   i.e. blocks 1-6 of the VPC cut in sixteen, right after the public range. Blocks 7-15 stay free.
 * So public and private subnets never overlap, and neither moves when the other count changes.
 */
import { NETWORK_DEFAULTS } from './defaults';

/** cidrsubnet(base, newBits, index), as Terraform computes it. */
export function cidrSubnet(base: string, newBits: number, index: number): string {
  const [addr, prefixText] = base.split('/');
  const prefix = Number(prefixText);
  const newPrefix = prefix + newBits;
  if (newPrefix > 32) throw new Error(`cidrSubnet: ${base} + ${newBits} bits exceeds /32`);
  if (index < 0 || index >= 2 ** newBits) throw new Error(`cidrSubnet: index ${index} does not fit in ${newBits} bits of ${base}`);
  const ip = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const subnet = ip + index * 2 ** (32 - newPrefix);
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(subnet / 2 ** shift) % 256);
  return `${octets.join('.')}/${newPrefix}`;
}

/** First and last address of a CIDR block, as numbers. */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [addr, prefixText] = cidr.split('/');
  const size = 2 ** (32 - Number(prefixText));
  const ip = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const first = ip - (ip % size);
  return { first, last: first + size - 1 };
}

/** True when the address is the network address of the block (no host bits set), e.g. 10.1.0.0/16 but not 10.1.5.0/16. */
export function isNetworkAddress(cidr: string): boolean {
  const [addr] = cidr.split('/');
  const ip = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return cidrRange(cidr).first === ip;
}

/** True when two CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = cidrRange(a);
  const y = cidrRange(b);
  return x.first <= y.last && y.first <= x.last;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = cidrRange(outer);
  const i = cidrRange(inner);
  return o.first <= i.first && i.last <= o.last;
}

/** CIDR of public subnet `n` (from 1) of a VPC: cidrsubnet(vpc, 8, n - 1). */
export function publicSubnetCidr(vpcCidr: string, n: number): string {
  return cidrSubnet(vpcCidr, NETWORK_DEFAULTS.publicSubnetNewBits, n - 1);
}

/** CIDR of private subnet `n` (from 1) of a VPC: cidrsubnet(vpc, 4, n). */
export function privateSubnetCidr(vpcCidr: string, n: number): string {
  return cidrSubnet(vpcCidr, NETWORK_DEFAULTS.privateSubnetNewBits, NETWORK_DEFAULTS.privateSubnetFirstIndex + n - 1);
}

/** CIDR of subnet `n` (from 1) of subnet group `index` (0-15): cidrsubnet(vpc, 8, 128 + 8 * index + n - 1), in the VPC's upper half. */
export function subnetGroupCidr(vpcCidr: string, index: number, n: number): string {
  if (n < 1 || n > 8) throw new Error(`subnetGroupCidr: subnet ${n} of a group must be 1-8`);
  return cidrSubnet(vpcCidr, NETWORK_DEFAULTS.publicSubnetNewBits, 128 + 8 * index + n - 1);
}
