import { backoffDelay } from '@app/common';
import { DependencyUnavailableError, PermanentFailure, retryWithBackoff, type RetryTarget } from './retry-with-backoff.js';

/** A clock that only moves when the code under test sleeps. */
function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: (ms: number) => Promise.resolve(void (now += ms)) };
}

function failingTimes(n: number, error: unknown = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) {
  let calls = 0;
  const target: RetryTarget = {
    name: 'PostgreSQL at 127.0.0.1:5432',
    describe: (e) => (e as { code?: string }).code ?? String((e as Error).message),
    attempt: () => (++calls <= n ? Promise.reject(error) : Promise.resolve()),
  };
  return { target, calls: () => calls };
}

describe(retryWithBackoff.name, () => {
  const noJitter = { baseMs: 200, maxMs: 5000, jitter: 0 };

  it('should double the wait after each failure up to the cap, jitter taking at most its share', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, noJitter))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    const jittered = { ...noJitter, jitter: 0.5 };
    expect(backoffDelay(3, { ...jittered, random: () => 0.999 })).toBe(400);
    expect(backoffDelay(3, { ...jittered, random: () => 0 })).toBe(800);
  });

  it('should log one line per failed attempt and succeed once the dependency answers', async () => {
    const { target, calls } = failingTimes(3);
    const warnings: string[] = [];
    const infos: string[] = [];
    await retryWithBackoff(target, {
      timeoutMs: 60_000,
      policy: noJitter,
      warn: (l) => warnings.push(l),
      log: (l) => infos.push(l),
      ...fakeClock(),
    });
    expect(calls()).toBe(4);
    expect(warnings).toEqual([
      'PostgreSQL at 127.0.0.1:5432 not reachable (ECONNREFUSED), retrying in 200 ms (attempt 1)',
      'PostgreSQL at 127.0.0.1:5432 not reachable (ECONNREFUSED), retrying in 400 ms (attempt 2)',
      'PostgreSQL at 127.0.0.1:5432 not reachable (ECONNREFUSED), retrying in 800 ms (attempt 3)',
    ]);
    expect(infos).toEqual(['PostgreSQL at 127.0.0.1:5432 reachable (attempt 4)']);
  });

  it('should give up with one clear line once the timeout has passed', async () => {
    const { target, calls } = failingTimes(Infinity);
    const attempt = retryWithBackoff(target, {
      timeoutMs: 2000,
      policy: noJitter,
      warn: () => undefined,
      log: () => undefined,
      ...fakeClock(),
    });
    await expect(attempt).rejects.toThrow(
      new DependencyUnavailableError(
        'PostgreSQL at 127.0.0.1:5432 still not reachable after 2000 ms and 5 attempt(s) (ECONNREFUSED): giving up (STARTUP_DEPENDENCY_TIMEOUT_MS)',
        false,
      ),
    );
    // 200 + 400 + 800 + the 600 ms left: never sleeps past the deadline
    expect(calls()).toBe(5);
  });

  it('should not retry a failure that waiting cannot cure', async () => {
    const { target, calls } = failingTimes(
      Infinity,
      Object.assign(new PermanentFailure('password authentication failed'), { code: '28P01' }),
    );
    const warnings: string[] = [];
    const attempt = retryWithBackoff(target, {
      timeoutMs: 60_000,
      warn: (l) => warnings.push(l),
      log: () => undefined,
      ...fakeClock(),
    });
    await expect(attempt).rejects.toMatchObject({
      message: 'PostgreSQL at 127.0.0.1:5432 refused the connection (28P01): not retrying',
      permanent: true,
    });
    expect([calls(), warnings]).toEqual([1, []]);
  });
});
