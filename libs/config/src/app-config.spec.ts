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
    ['HUB_SECRET_KEY', 'too-short'],
    ['HUB_SECRET_KEY', 'ab'.repeat(31)],
    ['HUB_SECRET_KEY', 'zz'.repeat(32)],
    ['HUB_SECRET_KEY', Buffer.alloc(31, 7).toString('base64')],
    ['HUB_KEY_ROTATION_DAYS', '-1'],
    ['HUB_SHUTDOWN_DELAY_MS', '-1'],
    ['HUB_SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['WORKER_SHUTDOWN_TIMEOUT_MS', '-5'],
    ['STARTUP_DEPENDENCY_TIMEOUT_MS', '1.5'],
    ['HUB_PUBLIC_BASE_URL', 'hub.example.net'],
    ['HUB_PUBLIC_BASE_URL', 'ftp://hub.example.net'],
    ['HUB_PUBLIC_BASE_URL', 'https://hub.example.net/?x=1'],
    ['HUB_PUBLIC_BASE_URL', 'https://user:pw@hub.example.net'],
  ])('should refuse %s=%p with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}:`));
  });

  it('should wait 5 s before closing the listener on SIGTERM in production only, unless HUB_SHUTDOWN_DELAY_MS says otherwise', () => {
    const key = 'ab'.repeat(32);
    expect(loadConfig({}).hub.shutdown).toEqual({ delayMs: 0, timeoutMs: 10_000 });
    expect(loadConfig({ NODE_ENV: 'production', HUB_SECRET_KEY: key }).hub.shutdown.delayMs).toBe(5000);
    expect(loadConfig({ NODE_ENV: 'production', HUB_SECRET_KEY: key, HUB_SHUTDOWN_DELAY_MS: '' }).hub.shutdown.delayMs).toBe(
      5000,
    );
    expect(loadConfig({ NODE_ENV: 'production', HUB_SECRET_KEY: key, HUB_SHUTDOWN_DELAY_MS: '0' }).hub.shutdown.delayMs).toBe(0);
    expect(loadConfig({ HUB_SHUTDOWN_DELAY_MS: '1500' }).hub.shutdown.delayMs).toBe(1500);
    expect([loadConfig({}).worker.shutdownTimeoutMs, loadConfig({}).startup.dependencyTimeoutMs]).toEqual([10_000, 60_000]);
  });

  it('should read HUB_SECRET_KEY as 32 bytes from hex or base64, and leave it unset when empty', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(loadConfig({ HUB_SECRET_KEY: key.toString('hex') }).hubKeys.secretKey).toEqual(key);
    expect(loadConfig({ HUB_SECRET_KEY: key.toString('base64') }).hubKeys.secretKey).toEqual(key);
    expect(loadConfig({ HUB_SECRET_KEY: key.toString('base64url') }).hubKeys.secretKey).toEqual(key);
    expect(loadConfig({ HUB_SECRET_KEY: '' }).hubKeys.secretKey).toBeUndefined();
    expect(loadConfig({}).hubKeys).toEqual({ secretKey: undefined, rotationDays: 30 });
  });

  it('should take HUB_PUBLIC_BASE_URL without its trailing slash, and default it to https://HUB_DOMAIN', () => {
    expect(loadConfig({ HUB_PUBLIC_BASE_URL: 'http://127.0.0.1:3000/' }).hub.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ HUB_PUBLIC_BASE_URL: 'https://hub.example.net/ch/' }).hub.publicBaseUrl).toBe(
      'https://hub.example.net/ch',
    );
    expect(loadConfig({ HUB_DOMAIN: 'hub.example.net' }).hub.publicBaseUrl).toBe('https://hub.example.net');
    // the development default has no public name: the hub's own listener
    expect(loadConfig({}).hub.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ HUB_HOST: '0.0.0.0', HUB_PORT: '3100' }).hub.publicBaseUrl).toBe('http://127.0.0.1:3100');
  });

  it('should keep outbound requests to production rules unless the development setting is on', () => {
    expect(loadConfig({}).outbound).toMatchObject({
      allowLoopback: false,
      maxResponseBytes: 65_536,
      concurrencyPerDestination: 2,
    });
    expect(loadConfig({ OUTBOUND_ALLOW_LOOPBACK: 'true' }).outbound.allowLoopback).toBe(true);
  });

  it('should refuse to start in production without HUB_SECRET_KEY, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid configuration:\n {2}HUB_SECRET_KEY: is required with NODE_ENV=production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', HUB_SECRET_KEY: '' })).toThrow(/HUB_SECRET_KEY: is required/);
    expect(loadConfig({ NODE_ENV: 'production', HUB_SECRET_KEY: 'ab'.repeat(32) }).env).toBe('production');
    // outside production a missing key stays allowed (a random key per process, for development)
    expect(loadConfig({ NODE_ENV: 'development' }).hubKeys.secretKey).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).hubKeys.secretKey).toBeUndefined();
  });

  it('should refuse OUTBOUND_ALLOW_LOOPBACK with NODE_ENV=production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', HUB_SECRET_KEY: 'ab'.repeat(32), OUTBOUND_ALLOW_LOOPBACK: 'true' }),
    ).toThrow(/^Invalid configuration:\n {2}OUTBOUND_ALLOW_LOOPBACK: is a development setting/);
  });

  it('should leave lawful interception disabled without LI_SECRET_KEY', () => {
    expect(loadConfig({}).li).toBeUndefined();
    expect(loadConfig({ LI_SECRET_KEY: '' }).li).toBeUndefined();
  });

  it('should read the LI keys, bootstrap administrators and four eyes', () => {
    const sha = 'AB'.repeat(32);
    const li = loadConfig({
      LI_SECRET_KEY: 'cd'.repeat(32),
      LI_PREVIOUS_SECRET_KEYS: ` ${'ef'.repeat(32)}, ${Buffer.alloc(32, 1).toString('base64')} `,
      LI_ADMINISTRATORS: JSON.stringify([
        { name: 'lea', tokenSha256: sha },
        { name: 'cert', certSha256: sha },
      ]),
      LI_FOUR_EYES: 'true',
    }).li;
    expect(li?.secretKey).toEqual(Buffer.from('cd'.repeat(32), 'hex'));
    expect(li?.previousKeys).toHaveLength(2);
    expect(li?.administrators).toEqual([
      { name: 'lea', tokenSha256: 'ab'.repeat(32) },
      { name: 'cert', certSha256: 'ab'.repeat(32) },
    ]);
    expect(li?.fourEyes).toBe(true);
  });

  it.each([
    ['LI_SECRET_KEY', 'short'],
    ['LI_PREVIOUS_SECRET_KEYS', 'ab'.repeat(32) + ',nope'],
    ['LI_ADMINISTRATORS', 'not json'],
    ['LI_ADMINISTRATORS', '[{"name":"x"}]'],
    ['LI_ADMINISTRATORS', '[{"name":"x","tokenSha256":"12"}]'],
    ['LI_ADMINISTRATORS', `[{"name":"x","tokenSha256":"${'a'.repeat(64)}"},{"name":"x","certSha256":"${'b'.repeat(64)}"}]`],
    ['LI_FOUR_EYES', 'maybe'],
  ])('should refuse %s=%p with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ LI_SECRET_KEY: 'cd'.repeat(32), [name]: value })).toThrow(
      new RegExp(`^Invalid configuration:\\n  ${name}:`),
    );
  });

  it('should refuse LI_PREVIOUS_SECRET_KEYS without LI_SECRET_KEY', () => {
    expect(() => loadConfig({ LI_PREVIOUS_SECRET_KEYS: 'ab'.repeat(32) })).toThrow(
      /LI_PREVIOUS_SECRET_KEYS: needs LI_SECRET_KEY/,
    );
  });
});
