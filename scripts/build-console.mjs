#!/usr/bin/env node
// Builds the web console into dist/console (part of `npm run build`): apps/console/src/main.ts and
// the npm packages it imports (d3-force) bundled by esbuild into one script, next to the page and
// its stylesheet. The hub serves exactly these three files (apps/hub/src/console); nothing comes
// from a CDN.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = join(ROOT, 'apps/console/src');
const OUT = join(ROOT, 'dist/console');

await rm(OUT, { recursive: true, force: true });
await mkdir(join(OUT, 'assets'), { recursive: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: [join(SOURCE, 'main.ts')],
  outfile: join(OUT, 'assets/console.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  // the packages' licence comments, kept at the end of the bundle
  legalComments: 'eof',
  logLevel: 'warning',
});
await copyFile(join(SOURCE, 'index.html'), join(OUT, 'index.html'));
await copyFile(join(SOURCE, 'console.css'), join(OUT, 'assets/console.css'));
console.log('console: dist/console (index.html, assets/console.js, assets/console.css)');
