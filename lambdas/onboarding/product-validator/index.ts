/** Lambda entry point (bundled by the infrastructure): product-validator. Settings: see lambdas/shared/config.ts. */
import { createValidatorHandler } from './handler';

export const handler = createValidatorHandler();
