/** The `webhooks` section of an environment file (validated with the rest of the environment). */
import { z } from 'zod';
import type { SystemSection } from '../sections';

export const webhooksSchema = z
  .object({
    // TODO(webhooks): the system's environment fields.
  })
  .strict();

export type WebhooksConfig = z.output<typeof webhooksSchema>;

export const webhooksSection: SystemSection<typeof webhooksSchema> = {
  schema: webhooksSchema,
  required: '{ }',
};
