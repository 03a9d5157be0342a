import { DataSource } from 'typeorm';

// Any constant works; it only has to be the same for every process running migrations.
const MIGRATION_LOCK_KEY = 0x6875626d; // "hubm"

/**
 * Applies pending migrations while holding a session-level advisory lock, so hub and
 * worker replicas starting together never run the same migration twice.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Opens a short-lived connection, applies pending migrations, closes it. Runs before the app starts serving. */
export async function migrateDatabase(url: string, log: (message: string) => void = () => undefined): Promise<string[]> {
  const { buildDataSourceOptions } = await import('./data-source-options.js');
  const dataSource = new DataSource({ ...buildDataSourceOptions({ url, poolMax: 2, applicationName: 'migrations' }) });
  await dataSource.initialize();
  try {
    const applied = await runMigrationsLocked(dataSource);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return applied;
  } finally {
    await dataSource.destroy();
  }
}
