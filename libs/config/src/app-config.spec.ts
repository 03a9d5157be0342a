import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('should apply defaults and choose the embedded/PostgreSQL queue backend when nothing is set', () => {
    const config = loadConfig({});
    expect(config.hub.port).toBe(3000);
    expect(config.db.url).toBeUndefined();
    expect(config.queue.backend).toBe('postgres');
    expect(config.db.embeddedDir).toBe('.data/pg');
  });

  it('should use Redis when REDIS_URL is set', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://u@h/db' });
    expect(config.queue.backend).toBe('redis');
    expect(config.db.url).toBe('postgres://u@h/db');
  });

  it.each([
    ['HUB_PORT', 'seventy'],
    ['HUB_PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['HUB_DOMAIN', 'Not A Domain'],
    ['HUB_BOOTSTRAP_OPERATOR_TOKEN', 'short'],
    ['HUB_LOG_LEVEL', 'loud'],
  ])('should refuse %s=%p with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}:`));
  });
});
