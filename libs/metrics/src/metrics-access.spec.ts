import { metricsScrapeAllowed } from './metrics-access.js';

describe(metricsScrapeAllowed.name, () => {
  const token = 'm'.repeat(40);

  it('should let every scrape through when no token is configured', () => {
    expect(metricsScrapeAllowed(undefined, undefined)).toBe(true);
    expect(metricsScrapeAllowed('Bearer whatever', undefined)).toBe(true);
  });

  it('should require the configured token as a bearer token', () => {
    expect(metricsScrapeAllowed(`Bearer ${token}`, token)).toBe(true);
    expect(metricsScrapeAllowed(`bearer ${token}`, token)).toBe(true);
  });

  it('should refuse a missing, wrong, truncated or differently presented token', () => {
    expect(metricsScrapeAllowed(undefined, token)).toBe(false);
    expect(metricsScrapeAllowed('Bearer wrong', token)).toBe(false);
    expect(metricsScrapeAllowed(`Bearer ${token.slice(1)}`, token)).toBe(false);
    expect(metricsScrapeAllowed(token, token)).toBe(false);
    expect(metricsScrapeAllowed(`Basic ${token}`, token)).toBe(false);
    expect(metricsScrapeAllowed('Bearer ', token)).toBe(false);
  });
});
