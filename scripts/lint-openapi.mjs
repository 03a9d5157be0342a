#!/usr/bin/env node
// `npm run lint:openapi`: exports the hub's OpenAPI document from the build (no database needed)
// and the lawful-interception routes' own document (dist/openapi-li.json), and lints both with
// Redocly's recommended rules (redocly.yaml). Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const exporter = 'dist/apps/hub/apps/hub/src/export-openapi.js';
const document = 'dist/openapi.json';
if (!existsSync(exporter)) {
  console.error(`${exporter} not found: run npm run build first`);
  process.exit(1);
}
const run = (command, args, env = {}) => {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(process.execPath, [exporter, document]);
run('node_modules/.bin/redocly', ['lint', document, 'dist/openapi-li.json'], {
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
});
