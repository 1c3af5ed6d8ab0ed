/** Lambda entry point (bundled by the infrastructure): catalog-migrator. Settings: see lambdas/onboarding/shared/config.ts. */
import { createCatalogMigratorHandler } from './handler';

export const handler = createCatalogMigratorHandler();
