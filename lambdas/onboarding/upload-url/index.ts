/** Lambda entry point (bundled by the infrastructure): upload-url. Settings: see lambdas/onboarding/shared/config.ts. */
import { createUploadUrlHandler } from './handler';

export const handler = createUploadUrlHandler();
