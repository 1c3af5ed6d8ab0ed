/**
 * The environment sections of the systems that plug into the platform (seed 000, 003, 004).
 * Each system owns its section's schema in systems/<system>/config.ts; the environment schema
 * makes a section required exactly when `systems` names the system, checks that VPC ranges do
 * not overlap, and runs the section's own cross-field check.
 */
import type { z } from 'zod';
import { webhooksSection } from './webhooks/config';
import { ingestionSection } from './ingestion/config';
import { recallSection } from './recall/config';

/** What the environment schema needs to know of a system's section. */
export interface SystemSection<S extends z.ZodTypeAny = z.ZodTypeAny> {
  /** zod schema of the section (strict object). */
  readonly schema: S;
  /** Shown when the section is missing: its required fields, e.g. "{ cidr, domain }". */
  readonly required: string;
  /** VPC ranges the section declares, for the overlap check (field path → CIDR). */
  readonly cidrs?: (section: z.output<S>) => readonly { readonly where: string; readonly cidr: string }[];
  /** Cross-field checks of the section; `issue` reports a problem at a path under the section. */
  readonly check?: (section: z.output<S>, env: SectionContext, issue: (path: readonly (string | number)[], message: string) => void) => void;
}

/** The parts of an environment a section check may read. */
export interface SectionContext {
  readonly name: string;
  readonly tier: string;
  readonly account: { readonly id: string; readonly region: string };
  readonly network: { readonly cidr: string; readonly availabilityZones: readonly string[] };
}

export const SYSTEM_SECTIONS = {
  webhooks: webhooksSection,
  ingestion: ingestionSection,
  recall: recallSection,
} as const;

export type SectionSystemName = keyof typeof SYSTEM_SECTIONS;
