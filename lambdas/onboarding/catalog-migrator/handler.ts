/**
 * catalog-migrator Lambda, invoked by Terraform (aws_lambda_invocation) with the catalog input
 * (core.ts). A failure is thrown: Lambda reports it as a function error and the apply stops
 * with its message. Settings: the database variables of every onboarding function.
 */
import type { Pool } from 'pg';
import { createPoolFromEnv } from '../../lib/db';
import { createObservability } from '../../lib/observability';
import { deployCatalog, type CatalogDeployResult } from './core';

export function createCatalogMigratorHandler(pool: () => Promise<Pool> = () => createPoolFromEnv(process.env, 1)) {
  const { logger } = createObservability('catalog-migrator');
  return async (event: unknown): Promise<CatalogDeployResult> => {
    const db = await pool();
    try {
      const result = await deployCatalog(db, event);
      logger.info('catalog deployed', { ...result });
      return result;
    } catch (err) {
      logger.error('catalog deploy failed', err as Error);
      throw err;
    } finally {
      await db.end();
    }
  };
}
