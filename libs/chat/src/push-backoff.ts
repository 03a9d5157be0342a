import type { ChatPushConfig } from '@app/config';

/**
 * How long a gateway rests after its `failures`-th failure in a row: the base doubled per earlier
 * failure, capped, with up to half of it taken off at random so gateways failing together do not
 * come back together; never sooner than the receiver asked (Retry-After, or the circuit's probe).
 */
export function pushRetryDelayMs(
  failures: number,
  config: Pick<ChatPushConfig, 'retryBaseMs' | 'retryMaxMs'>,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const backoff = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** exponent);
  return Math.max(Math.round(backoff * (1 - random() / 2)), retryAfterMs);
}
