import { backoffDelay, type BackoffPolicy } from '@app/common';

/** A failure that waiting cannot cure (wrong password, unknown database): reported at once. */
export class PermanentFailure extends Error {}

/** Why a dependency could not be used at start, in one log-safe line; `permanent`: a configuration error. */
export class DependencyUnavailableError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export const STARTUP_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5000, jitter: 0.5 };

export interface RetryTarget {
  /** what is tried, for the log lines: "PostgreSQL at 127.0.0.1:5432" (never credentials) */
  name: string;
  /** one attempt with a deadline of its own; rejects with an error `describe` turns into a short cause */
  attempt: (timeoutMs: number) => Promise<void>;
  describe: (error: unknown) => string;
}

export interface RetryOptions {
  timeoutMs: number;
  policy?: BackoffPolicy;
  warn: (line: string) => void;
  log: (line: string) => void;
  /** upper bound of one attempt's own deadline */
  attemptTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Tries `target` until it succeeds or `timeoutMs` has passed, waiting with exponential backoff and
 * jitter between attempts and logging each failure on one line. Throws DependencyUnavailableError
 * with the line to print when it gives up, at once for a PermanentFailure.
 */
export async function retryWithBackoff(target: RetryTarget, options: RetryOptions): Promise<void> {
  const policy = options.policy ?? STARTUP_BACKOFF;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const remaining = Math.max(0, deadline - now());
    try {
      await target.attempt(Math.max(500, Math.min(options.attemptTimeoutMs ?? 5000, remaining)));
      if (attempt > 1) options.log(`${target.name} reachable (attempt ${attempt})`);
      return;
    } catch (error) {
      const cause = target.describe(error);
      if (error instanceof PermanentFailure) {
        throw new DependencyUnavailableError(`${target.name} refused the connection (${cause}): not retrying`, true);
      }
      const left = deadline - now();
      if (left <= 0) {
        throw new DependencyUnavailableError(
          `${target.name} still not reachable after ${options.timeoutMs} ms and ${attempt} attempt(s) (${cause}): ` +
            'giving up (STARTUP_DEPENDENCY_TIMEOUT_MS)',
          false,
        );
      }
      const wait = Math.min(backoffDelay(attempt, policy), left);
      options.warn(`${target.name} not reachable (${cause}), retrying in ${wait} ms (attempt ${attempt})`);
      await sleep(wait);
    }
  }
}
