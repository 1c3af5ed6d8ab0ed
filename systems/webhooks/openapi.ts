/** Writes docs/webhooks-openapi.json from the API's definitions (`npm run docs:webhooks-openapi`). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { webhooksOpenApi } from './api';

const file = path.resolve(__dirname, '..', '..', 'docs', 'webhooks-openapi.json');
fs.writeFileSync(file, `${JSON.stringify(webhooksOpenApi(), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
