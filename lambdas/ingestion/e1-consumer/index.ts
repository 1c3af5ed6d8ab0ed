import { createConsumerHandler } from './handler';

export const handler = createConsumerHandler();
