/** How a retry waits: exponential from `baseMs`, capped, with a random share taken off. */
export interface BackoffPolicy {
  /** wait after the first failure, doubled after each further one */
  baseMs: number;
  maxMs: number;
  /** 0..1: the share of each wait that is random (spreads retriers that failed together) */
  jitter: number;
  random?: () => number;
}

/**
 * The wait after the `failures`-th failure in a row (1-based): base·2^(failures−1), capped, with up
 * to its `jitter` share taken off at random. The one backoff formula of the code base's own retry
 * loops (start-up dependencies, chat gateways, LI destinations); BullMQ jobs use BullMQ's.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const random = policy.random ?? Math.random;
  return Math.round(ceiling * (1 - policy.jitter * random()));
}
