import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '@app/config';
import { requireDatabaseUrl } from '@app/config';

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptionsFromUrl(url: string): Record<string, unknown> {
  const u = new URL(url);
  const db = u.pathname.replace('/', '');
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: db ? Number(db) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // required by BullMQ workers; producers stay usable through reconnects
    maxRetriesPerRequest: null,
  };
}

/**
 * Chooses the BullMQ backend: Redis when REDIS_URL is set, otherwise BullMQ's own
 * PostgreSQL backend in the same database (the embedded default). In PostgreSQL mode
 * the backend is set process-wide, so it must run before any Queue or Worker exists.
 */
export async function configureQueueBackend(config: AppConfig): Promise<ConnectionOptions> {
  const { setDefaultBackendFactory, createPostgresBackend, runMigrations } = await import('bullmq');
  if (config.queue.backend === 'redis' && config.queue.redisUrl) {
    setDefaultBackendFactory(); // the Redis backend, even if this process used PostgreSQL before
    return redisOptionsFromUrl(config.queue.redisUrl) as ConnectionOptions;
  }
  const url = requireDatabaseUrl(config);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await runMigrations(client);
  } finally {
    await client.end();
  }
  setDefaultBackendFactory(createPostgresBackend);
  return { connectionString: url, max: 4 } as unknown as ConnectionOptions;
}
