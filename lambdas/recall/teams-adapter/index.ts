/** Lambda entry point (bundled by the infrastructure): teams-adapter. */
import { createTeamsHandler } from './handler';

export const handler = createTeamsHandler();
