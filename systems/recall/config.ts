/** The `recall` section of an environment file (validated with the rest of the environment). */
import { z } from 'zod';
import type { SystemSection } from '../sections';

export const recallSchema = z
  .object({
    // TODO(recall): the system's environment fields.
  })
  .strict();

export type RecallConfig = z.output<typeof recallSchema>;

export const recallSection: SystemSection<typeof recallSchema> = {
  schema: recallSchema,
  required: '{ }',
};
