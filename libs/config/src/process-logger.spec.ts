import { PassThrough } from 'node:stream';
import { createProcessLogger, PinoNestLogger } from './process-logger.js';

function capture(level: string) {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { logger: createProcessLogger(level, 'hub', stream), lines, flush: () => new Promise((r) => setImmediate(r)) };
}

describe(PinoNestLogger.name, () => {
  it('should write Nest lines as pino JSON with their context', async () => {
    const { logger, lines, flush } = capture('info');
    logger.nest.log('listening', 'Hub');
    await flush();
    expect(lines).toEqual([expect.objectContaining({ level: 30, name: 'hub', context: 'Hub', msg: 'listening' })]);
  });

  it("should put Nest's route mapping lines at debug level", async () => {
    const info = capture('info');
    info.logger.nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    await info.flush();
    expect(info.lines).toEqual([]);
    const debug = capture('debug');
    debug.logger.nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    await debug.flush();
    expect(debug.lines).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer' })]);
  });

  it('should keep the stack of an error apart from its context', async () => {
    const { logger, lines, flush } = capture('info');
    logger.nest.error('boom', 'Error: boom\n    at somewhere (file.js:1:1)', 'ProblemDetails');
    await flush();
    expect(lines[0]).toMatchObject({
      level: 50,
      context: 'ProblemDetails',
      msg: 'boom',
      err: { stack: expect.stringContaining('at somewhere') },
    });
  });

  it('should honour the threshold, silent included', async () => {
    const { logger, lines, flush } = capture('silent');
    logger.nest.error('nothing', 'X');
    logger.pino.fatal('nothing either');
    await flush();
    expect(lines).toEqual([]);
  });
});
