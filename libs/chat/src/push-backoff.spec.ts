import { pushRetryDelayMs } from './push-backoff.js';

describe(pushRetryDelayMs.name, () => {
  const config = { retryBaseMs: 1000, retryMaxMs: 60_000 };
  const noJitter = () => 0;

  it('should double the base per earlier failure', () => {
    expect([1, 2, 3, 4].map((n) => pushRetryDelayMs(n, config, 0, noJitter))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('should stop growing at the cap', () => {
    expect(pushRetryDelayMs(7, config, 0, noJitter)).toBe(60_000);
    expect(pushRetryDelayMs(1000, config, 0, noJitter)).toBe(60_000);
  });

  it('should take at most half off at random', () => {
    expect(pushRetryDelayMs(2, config, 0, () => 0.999_999)).toBe(1000);
    expect(pushRetryDelayMs(2, config, 0, () => 0.5)).toBe(1500);
  });

  it('should wait at least as long as the receiver asked', () => {
    expect(pushRetryDelayMs(1, config, 30_000, noJitter)).toBe(30_000);
    expect(pushRetryDelayMs(3, config, 10, noJitter)).toBe(4000);
  });
});
