/** Lambda entry point (bundled by the infrastructure): csv-parser. Settings: see lambdas/shared/config.ts. */
import { createCsvParserHandler } from './handler';

export const handler = createCsvParserHandler();
