import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HUB_NODE_FLAGS } from '../../../scripts/hub-node-flags.mjs';

const PRINT_NEW_SPACE =
  "process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size))";

function newSpaceBytes(flags: readonly string[]): number {
  const run = spawnSync(process.execPath, [...flags, '-e', PRINT_NEW_SPACE], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${flags.join(' ')} failed: ${run.stderr}`);
  return Number(run.stdout);
}

describe('the hub V8 flags', () => {
  it('should be accepted by this node and give the hub a young generation of at least 16 MiB from the start', () => {
    expect(newSpaceBytes(HUB_NODE_FLAGS)).toBeGreaterThanOrEqual(16 * 2 ** 20);
    expect(newSpaceBytes([])).toBeLessThan(16 * 2 ** 20);
  });

  it('should be the flags of the Docker image command and of npm run start:hub, in the same order', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'));
    expect(cmd).not.toBeNull();
    const argv = JSON.parse(cmd![1]) as string[];
    expect(argv.slice(2, 2 + HUB_NODE_FLAGS.length)).toEqual([...HUB_NODE_FLAGS]);
    const startHub = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts[
      'start:hub'
    ];
    expect(startHub).toBe(`node ${HUB_NODE_FLAGS.join(' ')} dist/apps/hub/apps/hub/src/main.js`);
  });
});
