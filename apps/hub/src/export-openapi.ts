import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { createOfflineOpenApiDocument } from './openapi-offline.js';

// Writes the hub's OpenAPI document (JSON) to the file named by the first argument, or to stdout;
// `npm run lint:openapi` lints it with Redocly. Needs no database: see openapi-offline.ts.
const json = `${JSON.stringify(await createOfflineOpenApiDocument(), null, 2)}\n`;
const target = process.argv[2];
if (target) writeFileSync(target, json);
else process.stdout.write(json);
