/**
 * Field types shared by every environment section (the base schema and each system's own
 * section in systems/<system>/config.ts), with messages that say what is allowed.
 */
import { z } from 'zod';
import { regionProblem, zoneProblem } from './regions';

/** Adds an issue with the message `problem` returns, if any. */
const checked = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
};

/** A region of the pinned provider (table in environments/lib/regions.ts). */
export const regionName = z.string().superRefine(checked(regionProblem));
/** An availability zone of a region of that table, with one of the region's zone letters. */
export const azName = z.string().superRefine(checked(zoneProblem));

/** IPv4 CIDR with a prefix between /16 and /20 (room for /24 subnets in every AZ and tier). */
export const cidr = z.string().superRefine(checked(cidrProblem));

/** A container image reference that is pinned: a tag other than "latest", or a digest. */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    message: 'expected a pinned image reference such as "postgres:15.10-bookworm" or "name@sha256:<digest>"',
  })
  .refine((ref) => !ref.endsWith(':latest'), { message: 'the "latest" tag is not pinned; name a version' });

/** Tag of an application image in this environment's ECR repository (immutable tags). */
export const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'expected an image tag such as "1.4.2" or "git-3f9c2e1"' })
  .refine((t) => t !== 'latest', { message: 'ECR tags are immutable here; "latest" cannot be re-pointed, name a version' });

export const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: 'expected a lower-case DNS name such as dev.classifyhub.example.com' });

export const emailAddress = z.string().email({ message: 'expected an e-mail address' });

/** Whether two IPv4 CIDR blocks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const range = (c: string): [number, number] => {
    const [ip, bits] = c.split('/');
    const start = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return [start, start + 2 ** (32 - Number(bits)) - 1];
  };
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

/** What is wrong with an IPv4 CIDR block of a VPC (format, octets, prefix /16-/20, host bits), or undefined. */
export function cidrProblem(value: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return 'expected an IPv4 CIDR block such as 10.10.0.0/16 (address/prefix)';
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return 'each of the four address numbers must be 0-255, e.g. 10.10.0.0/16';
  if (prefix < 16 || prefix > 20) return `the prefix /${prefix} is outside /16 to /20 (a VPC needs room for /24 subnets in every zone and tier), e.g. 10.10.0.0/16`;
  const ip = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = (~0 << (32 - prefix)) >>> 0;
  const network = (ip & mask) >>> 0;
  if (network !== ip) {
    const shown = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.');
    return `host bits are set: the address must be the first of its /${prefix} block (the bits after the prefix all 0); did you mean ${shown}/${prefix}?`;
  }
  return undefined;
}

export function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 20) return false;
  const ip = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return ((ip & mask) >>> 0) === ip;
}
