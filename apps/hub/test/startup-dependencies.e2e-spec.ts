import {
  childPort,
  compiledAppEnv,
  type CompiledApp,
  DisposableRedis,
  ensureCompiled,
  startCompiled,
  startTcpProxy,
  testConfig,
  type TcpProxy,
  waitFor,
} from '@app/testing';

const PASSWORD = 'pw-that-must-never-be-logged';

/**
 * A hub started before its databases: it retries PostgreSQL and Redis with backoff, one clear line
 * per failed attempt and never a credential, and serves once both are up; with neither coming up it
 * gives up after STARTUP_DEPENDENCY_TIMEOUT_MS with one line and exit code 69.
 */
describe('hub start-up before PostgreSQL and Redis (e2e)', () => {
  const config = testConfig();
  let hub: CompiledApp | undefined;
  let redis: DisposableRedis | undefined;
  let proxy: TcpProxy | undefined;

  beforeAll(() => ensureCompiled(), 240_000);
  afterEach(async () => {
    await hub?.kill('SIGKILL');
    await redis?.down();
    await proxy?.close();
    hub = redis = proxy = undefined;
  });

  /** The DATABASE_URL of the tests, sent through `port` and carrying a password (the test server trusts local connections). */
  const databaseUrlThrough = (port: number) => {
    const url = new URL(config.db.url!);
    url.host = `127.0.0.1:${port}`;
    url.username ||= 'postgres';
    url.password = PASSWORD;
    return url.href;
  };
  const lines = (app: CompiledApp) =>
    app
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          return [(JSON.parse(line) as { msg: string }).msg];
        } catch {
          return [];
        }
      });

  it('should retry both with backoff, log each attempt without secrets, and serve once they are up', async () => {
    redis = await DisposableRedis.reserve();
    const pgPort = await childPort();
    const hubPort = await childPort();
    hub = startCompiled(
      'hub',
      compiledAppEnv(config, {
        DATABASE_URL: databaseUrlThrough(pgPort),
        REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
        HUB_PORT: String(hubPort),
        HUB_LOG_LEVEL: 'warn',
        STARTUP_DEPENDENCY_TIMEOUT_MS: '30000',
      }),
    );
    const retried = (name: string) => () =>
      Promise.resolve(lines(hub!).some((l) => l.startsWith(`${name} not reachable (ECONNREFUSED), retrying in `)));
    await waitFor(retried(`Redis at 127.0.0.1:${redis.port}`), 20_000, 50);
    await redis.up();
    await waitFor(retried(`PostgreSQL at 127.0.0.1:${pgPort}`), 20_000, 50);
    const target = new URL(config.db.url!);
    proxy = await startTcpProxy(pgPort, { host: target.hostname, port: Number(target.port || 5432) });

    const ready = await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${hubPort}/health/ready`).catch(() => undefined))?.ok || hub!.proc.exitCode !== null,
      60_000,
      100,
    );
    expect([ready, hub.proc.exitCode]).toEqual([true, null]);
    const startup = lines(hub).filter((l) => /^(PostgreSQL|Redis) at /.test(l));
    for (const line of startup) {
      expect(line).toMatch(
        /^(PostgreSQL|Redis) at 127\.0\.0\.1:\d+ not reachable \(ECONNREFUSED\), retrying in \d+ ms \(attempt \d+\)$/,
      );
    }
    // the first waits grow: 200 ms doubled per attempt, at most half of each taken off by jitter
    const waits = startup.filter((l) => l.startsWith('PostgreSQL')).map((l) => Number(/retrying in (\d+) ms/.exec(l)![1]));
    waits.slice(0, 4).forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(100 * 2 ** i));
    waits.slice(0, 4).forEach((ms, i) => expect(ms).toBeLessThanOrEqual(200 * 2 ** i));
    expect(hub.output()).not.toContain(PASSWORD);

    await hub.kill('SIGTERM');
    expect((await hub.exited).code).toBe(0);
  }, 60_000);

  it('should give up after STARTUP_DEPENDENCY_TIMEOUT_MS with one clear line and exit code 69 when nothing comes up', async () => {
    const [pgPort, redisPort] = [await childPort(), await childPort()];
    const startedAt = Date.now();
    hub = startCompiled(
      'hub',
      compiledAppEnv(config, {
        DATABASE_URL: databaseUrlThrough(pgPort),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        HUB_PORT: String(await childPort()),
        HUB_LOG_LEVEL: 'warn',
        STARTUP_DEPENDENCY_TIMEOUT_MS: '1500',
      }),
    );
    const { code } = await hub.exited;
    expect(code).toBe(69);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1500);
    const gaveUp = lines(hub).filter((l) => l.includes('giving up'));
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatch(
      /^(PostgreSQL|Redis) at 127\.0\.0\.1:\d+ still not reachable after 1500 ms and \d+ attempt\(s\) \(ECONNREFUSED\): giving up \(STARTUP_DEPENDENCY_TIMEOUT_MS\)$/,
    );
    expect(hub.output()).not.toContain(PASSWORD);
  }, 30_000);
});
