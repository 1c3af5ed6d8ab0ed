/** Lambda entry point (bundled by the infrastructure): report-link. Settings: see lambdas/onboarding/shared/config.ts. */
import { createReportLinkHandler } from './handler';

export const handler = createReportLinkHandler();
