import { backoffDelay } from '@app/common';

/** How delivery to agencies retries (LI_DELIVERY_* settings). */
export interface LiRetryPolicy {
  retryBaseMs: number;
  retryMaxMs: number;
  /** failures in a row after which every further one is logged as retrying at the cap */
  alertAfterFailures: number;
}

/**
 * How long a destination rests after its `failures`-th failure in a row: the code base's one
 * backoff formula with up to a quarter taken off at random, so destinations failing together do
 * not come back together; never sooner than the receiver asked (Retry-After).
 */
export function liRetryDelayMs(
  failures: number,
  policy: Pick<LiRetryPolicy, 'retryBaseMs' | 'retryMaxMs'>,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const rest = backoffDelay(failures, { baseMs: policy.retryBaseMs, maxMs: policy.retryMaxMs, jitter: 0.25, random });
  return Math.max(rest, retryAfterMs);
}

/**
 * A destination is never parked: records wait for it however long it is down. Once its failures
 * in a row reach the budget, it is tried at the cap from then on, and every such failure is
 * logged as `retrying-at-cap` so the LI administrators see it.
 */
export function failureOutcome(
  failures: number,
  policy: Pick<LiRetryPolicy, 'alertAfterFailures'>,
): 'failed' | 'retrying-at-cap' {
  return failures >= policy.alertAfterFailures ? 'retrying-at-cap' : 'failed';
}
