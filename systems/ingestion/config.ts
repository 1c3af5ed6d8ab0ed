/** The `ingestion` section of an environment file (validated with the rest of the environment). */
import { z } from 'zod';
import type { SystemSection } from '../sections';

export const ingestionSchema = z
  .object({
    // TODO(ingestion): the system's environment fields.
  })
  .strict();

export type IngestionConfig = z.output<typeof ingestionSchema>;

export const ingestionSection: SystemSection<typeof ingestionSchema> = {
  schema: ingestionSchema,
  required: '{ }',
};
