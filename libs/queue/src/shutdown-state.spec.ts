import { jest } from '@jest/globals';
import { EarlyShutdownSignals, handleShutdownSignals, settlesWithin } from './shutdown-state.js';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
type Listeners = Map<NodeJS.Signals, NodeJS.SignalsListener[]>;
const added = (before: Listeners, signal: NodeJS.Signals) =>
  process.listeners(signal).filter((l) => !before.get(signal)?.includes(l));

describe(EarlyShutdownSignals.name, () => {
  it('should hold the first signal while listening and let go of every listener on release', () => {
    const before: Listeners = new Map(SIGNALS.map((s) => [s, [...process.listeners(s)]]));
    const early = new EarlyShutdownSignals();
    early.listen();
    for (const signal of SIGNALS) expect(added(before, signal)).toHaveLength(1);
    added(before, 'SIGINT')[0]('SIGINT');
    added(before, 'SIGTERM')[0]('SIGTERM');
    expect(early.release()).toBe('SIGINT');
    for (const signal of SIGNALS) expect(added(before, signal)).toHaveLength(0);
  });

  it('should hold nothing when no signal came', () => {
    const early = new EarlyShutdownSignals();
    early.listen();
    expect(early.release()).toBeUndefined();
  });
});

describe(handleShutdownSignals.name, () => {
  it('should run the stop at once for a signal held while starting, and exit with its code', async () => {
    const before: Listeners = new Map(SIGNALS.map((s) => [s, [...process.listeners(s)]]));
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stop = jest.fn(async (_signal: NodeJS.Signals) => 0);
    const log = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
    try {
      handleShutdownSignals({ stop, log }, 'SIGTERM');
      await new Promise((resolve) => setImmediate(resolve));
      expect(stop.mock.calls).toEqual([['SIGTERM']]);
      expect(exit).toHaveBeenCalledWith(0);
      // the same signal delivered again right after is the same request: no second stop, no forced exit
      added(before, 'SIGTERM')[0]('SIGTERM');
      expect(stop).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledTimes(1);
    } finally {
      for (const signal of SIGNALS) for (const l of added(before, signal)) process.off(signal, l);
      exit.mockRestore();
    }
  });
});

describe(settlesWithin.name, () => {
  it('should say whether the promise settled in time, and pass its rejection on', async () => {
    await expect(settlesWithin(Promise.resolve('done'), 1000)).resolves.toBe(true);
    await expect(settlesWithin(new Promise(() => undefined), 10)).resolves.toBe(false);
    await expect(settlesWithin(Promise.reject(new Error('close failed')), 1000)).rejects.toThrow('close failed');
  });
});
