import { DataSource } from 'typeorm';
import { buildDataSourceOptions, migrateDatabase } from '@app/db';

/** Tables without an entity (see migration MessageLogPartitioned). */
const RAW_TABLES = ['message_log', 'message_log_keys', 'message_log_chains'];

const DEADLOCK_DETECTED = '40P01';

/**
 * Tables owned by the application (not the migrations ledger, not BullMQ's schema). A worker of the
 * same test may be mid-transaction (a sweep, a job): TRUNCATE's locks can then deadlock with it, and
 * PostgreSQL aborts one side; the truncation is simply tried again.
 */
export async function truncateAll(dataSource: DataSource): Promise<void> {
  const tables = [...dataSource.entityMetadatas.map((m) => m.tableName), ...RAW_TABLES].map((t) => `"${t}"`).join(', ');
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt === 5) throw error;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

/** A migrated standalone data source for integration tests of repositories and services. */
export async function openTestDataSource(url = process.env.DATABASE_URL): Promise<DataSource> {
  if (!url) throw new Error('DATABASE_URL is not set: run tests through `npm test`');
  await migrateDatabase(url);
  const dataSource = new DataSource(buildDataSourceOptions({ url, poolMax: 5, applicationName: 'tests' }));
  return dataSource.initialize();
}
