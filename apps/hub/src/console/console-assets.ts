import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` (scripts/build-console.mjs) writes the console, relative to the project root. */
const BUILT_CONSOLE = join('dist', 'console');

/** The console's files: the only ones served, each with its media type (an allow-list, not a directory). */
export const CONSOLE_ASSETS = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;
export type ConsoleAsset = keyof typeof CONSOLE_ASSETS;
export const CONSOLE_PAGE = 'index.html';

export const isConsoleAsset = (name: string): name is ConsoleAsset => Object.hasOwn(CONSOLE_ASSETS, name);

/**
 * The built console, found by walking up from this module (works from apps/hub/src under jest and
 * from dist/apps/hub/… when built) and then from the working directory; null when it has not been
 * built. Files are read on each request: they are small, few operators load them, and a rebuild is
 * served without a restart.
 */
export class ConsoleFiles {
  private dir: string | null = null;

  async read(name: ConsoleAsset | typeof CONSOLE_PAGE): Promise<Buffer | null> {
    this.dir ??= findBuiltConsole();
    if (this.dir === null) return null;
    return readFile(name === CONSOLE_PAGE ? join(this.dir, name) : join(this.dir, 'assets', name)).catch(() => null);
  }
}

function findBuiltConsole(): string | null {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, BUILT_CONSOLE);
      if (existsSync(join(candidate, CONSOLE_PAGE))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}
