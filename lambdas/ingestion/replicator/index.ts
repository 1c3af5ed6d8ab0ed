import { createReplicatorHandler } from './handler';

export const handler = createReplicatorHandler();
