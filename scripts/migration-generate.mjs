#!/usr/bin/env node
// Usage: npm run migration:generate -- <PascalCaseName>
// Diffs the entities against DATABASE_URL (migrated to the latest version first) and writes
// migrations/<timestamp>-<Name>.ts; add the class to migrations/index.ts afterwards.
import { spawnSync } from 'node:child_process';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- <PascalCaseName>');
  process.exit(2);
}
const ds = 'dist/apps/hub/libs/db/src/data-source.js';
for (const args of [
  ['migration:run', '-d', ds],
  ['migration:generate', '-p', '-d', ds, `migrations/${name}`],
]) {
  const r = spawnSync('npx', ['typeorm', ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log('Now add the new class to migrations/index.ts.');
