import { createExporterHandler } from './handler';

export const handler = createExporterHandler();
