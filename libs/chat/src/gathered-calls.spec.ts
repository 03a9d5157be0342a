import { GatheredCalls } from './gathered-calls.js';

describe(GatheredCalls.name, () => {
  it('should serve the calls of one turn with one run, each with its own answer', async () => {
    const runs: number[][] = [];
    const calls = new GatheredCalls(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((n) => n * 2);
    });
    await expect(Promise.all([calls.call(1), calls.call(2), calls.call(3)])).resolves.toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('should gather the calls made while a run is under way into the next run', async () => {
    const runs: number[][] = [];
    let release: () => void = () => undefined;
    const calls = new GatheredCalls(async (inputs: number[]) => {
      runs.push(inputs);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
      return inputs;
    });
    const first = calls.call(1);
    await new Promise((r) => setImmediate(r));
    const later = [calls.call(2), calls.call(3)];
    release();
    await expect(Promise.all([first, ...later])).resolves.toEqual([1, 2, 3]);
    expect(runs).toEqual([[1], [2, 3]]);
  });

  it('should reject every call of a run that fails, and serve later calls again', async () => {
    let fail = true;
    const calls = new GatheredCalls(async (inputs: number[]) => {
      if (fail) throw new Error('down');
      return inputs;
    });
    await expect(Promise.all([calls.call(1), calls.call(2)])).rejects.toThrow('down');
    fail = false;
    await expect(calls.call(3)).resolves.toBe(3);
  });
});
