import { failureOutcome, liRetryDelayMs } from './li-backoff.js';

const policy = { retryBaseMs: 1000, retryMaxMs: 60_000, alertAfterFailures: 5 };

describe('liRetryDelayMs', () => {
  it('should double from the base and stop at the cap', () => {
    const none = () => 0;
    expect([1, 2, 3, 7, 50].map((f) => liRetryDelayMs(f, policy, 0, none))).toEqual([1000, 2000, 4000, 60_000, 60_000]);
  });

  it('should take up to a quarter off at random', () => {
    expect(liRetryDelayMs(2, policy, 0, () => 1)).toBe(1500);
  });

  it('should never come sooner than the receiver asked', () => {
    expect(liRetryDelayMs(1, policy, 30_000, () => 0)).toBe(30_000);
  });
});

describe('failureOutcome', () => {
  it('should say retrying at the cap from the budget on', () => {
    expect([1, 4, 5, 9].map((f) => failureOutcome(f, policy))).toEqual([
      'failed',
      'failed',
      'retrying-at-cap',
      'retrying-at-cap',
    ]);
  });
});
