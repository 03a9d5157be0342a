import { createHash, timingSafeEqual } from 'node:crypto';

/** The path every process serves its metrics at. */
export const METRICS_PATH = '/metrics';

/**
 * Whether a scrape may read the metrics: always when no METRICS_TOKEN is configured, otherwise
 * only with `Authorization: Bearer <token>`. Both sides are hashed before the comparison, so it
 * takes the same time whatever the presented value's length or content.
 */
export function metricsScrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  if (authorization === undefined) return false;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  const presented = createHash('sha256')
    .update(match ? match[1] : '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(presented, expected) && match !== null;
}
