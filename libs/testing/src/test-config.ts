import { randomBytes } from 'node:crypto';
import { AppConfig, loadConfig } from '@app/config';

/** A fixed operator token for tests; never used outside them. */
export const TEST_OPERATOR_TOKEN = 'test-bootstrap-operator-token-0123456789abcdef';

/**
 * Config for a test app: the real DATABASE_URL/REDIS_URL from scripts/test.mjs, ephemeral
 * ports, and a queue prefix of its own so concurrent test files never share jobs.
 */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    HUB_PORT: '0',
    WORKER_HEALTH_PORT: '0',
    HUB_DOMAIN: 'hub.test.example',
    HUB_BOOTSTRAP_OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    HUB_APPLICATIONS_RATE_LIMIT: '10000',
    HUB_PUBLIC_RATE_LIMIT: '100000',
    HUB_AUTH_FAILURE_LIMIT: '100000',
    HUB_LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? 'error',
    REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}`,
    OUTBOX_POLL_INTERVAL_MS: '50',
    HUB_SIP_PORT: '0',
    ...overrides,
  });
}
