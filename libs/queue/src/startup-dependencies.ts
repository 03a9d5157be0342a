import type { AppConfig } from '@app/config';
import { requireDatabaseUrl } from '@app/config';
import { redisOptionsFromUrl } from './queue-connection.js';
import { DependencyUnavailableError, PermanentFailure, retryWithBackoff, type RetryTarget } from './retry-with-backoff.js';

/** EX_UNAVAILABLE: a dependency did not come up in time (a supervisor may start the process again). */
export const EXIT_DEPENDENCY_UNAVAILABLE = 69;
/** EX_CONFIG: a dependency refused the configured credentials or database; waiting cannot help. */
export const EXIT_CONFIG = 78;

/** SQLSTATE classes a connection gets for credentials or a database that do not exist. */
const PERMANENT_PG = /^(28|3D)/;
const PERMANENT_REDIS = /^(WRONGPASS|NOAUTH)/;

/** `error` as a PermanentFailure keeping its code and first line. */
function permanent(error: unknown): PermanentFailure {
  const failure = new PermanentFailure(String((error as Error)?.message ?? error));
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? Object.assign(failure, { code }) : failure;
}

/** host:port of a URL, for log lines (never the user or password). */
function endpoint(url: string, defaultPort: number): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || defaultPort}`;
}

/** The short cause of a connection failure: the system error code, the SQLSTATE and its text, or the message. */
function describeFailure(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; errors?: Array<{ code?: unknown }> };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.errors?.[0]?.code === 'string' ? e.errors[0].code : undefined;
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(error);
  if (code && /^E[A-Z]+$/.test(code)) return code;
  if (code) return `${code} ${message}`;
  return /timeout|timed out/i.test(message) ? 'timed out' : message;
}

function postgresTarget(url: string): RetryTarget {
  return {
    name: `PostgreSQL at ${endpoint(url, 5432)}`,
    describe: describeFailure,
    async attempt(timeoutMs) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
      client.on('error', () => undefined); // a late socket error after a failed connect
      try {
        await client.connect();
        await client.query('SELECT 1');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw typeof code === 'string' && PERMANENT_PG.test(code) ? permanent(error) : error;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

function redisTarget(url: string): RetryTarget {
  return {
    name: `Redis at ${endpoint(url, 6379)}`,
    describe: describeFailure,
    async attempt(timeoutMs) {
      const { Redis } = await import('ioredis');
      const client = new Redis({
        ...redisOptionsFromUrl(url),
        lazyConnect: true,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      // connect() only rejects with "Connection is closed."; the socket's error says why
      let socketError: unknown;
      client.on('error', (error) => (socketError ??= error));
      try {
        await client.connect();
        await client.ping();
      } catch (error) {
        if (PERMANENT_REDIS.test(String((error as Error)?.message))) throw permanent(error);
        throw socketError ?? error;
      } finally {
        client.disconnect();
      }
    },
  };
}

/**
 * Waits at start for PostgreSQL and, when configured, Redis (both at once, one deadline:
 * STARTUP_DEPENDENCY_TIMEOUT_MS), so that apps started before their databases (containers of one
 * deployment, a reboot) come up on their own once the databases do, and say what they wait for.
 */
export async function awaitStartupDependencies(
  config: AppConfig,
  log: { warn: (line: string) => void; log: (line: string) => void },
): Promise<void> {
  const targets = [postgresTarget(requireDatabaseUrl(config))];
  if (config.queue.backend === 'redis' && config.queue.redisUrl) targets.push(redisTarget(config.queue.redisUrl));
  // the first that gives up decides: the process exits, the other's retries with it
  await Promise.all(
    targets.map((target) =>
      retryWithBackoff(target, { timeoutMs: config.startup.dependencyTimeoutMs, warn: log.warn, log: log.log }),
    ),
  );
}

/** For main.ts: a dependency that did not come up ends the process with its line and exit code; anything else is rethrown. */
export function exitIfDependencyUnavailable(error: unknown, print: (line: string) => void): never {
  if (!(error instanceof DependencyUnavailableError)) throw error;
  print(error.message);
  process.exit(error.permanent ? EXIT_CONFIG : EXIT_DEPENDENCY_UNAVAILABLE);
}
