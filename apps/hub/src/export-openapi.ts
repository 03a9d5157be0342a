import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createOfflineOpenApiDocument } from './openapi-offline.js';
import { liOpenApiDocument } from './li/li.openapi.js';

// Writes the hub's OpenAPI document (JSON) to the file named by the first argument, or to stdout;
// with a file, the lawful-interception routes' own document goes next to it as openapi-li.json
// (it is never part of the public one). `npm run lint:openapi` lints both with Redocly. Needs no
// database: see openapi-offline.ts.
const json = (document: object) => `${JSON.stringify(document, null, 2)}\n`;
const target = process.argv[2];
const hubDocument = json(await createOfflineOpenApiDocument());
if (target) {
  writeFileSync(target, hubDocument);
  writeFileSync(join(dirname(target), 'openapi-li.json'), json(liOpenApiDocument()));
} else process.stdout.write(hubDocument);
