import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { ParameterFreeTypeOrmLogger } from './typeorm-logger.js';

export interface DataSourceParams {
  url: string;
  poolMax?: number;
  applicationName?: string;
}

/**
 * Every session starts at READ COMMITTED whatever the server's or the database's default, so a
 * transaction that wants it (TransactionRunner) needs no SET TRANSACTION round trip of its own.
 */
export const SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

/** The one set of TypeORM options shared by the apps, the CLI and the tests. */
export function buildDataSourceOptions({ url, poolMax = 10, applicationName = 'hub' }: DataSourceParams): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    // failed statements are logged without their parameters (typeorm-logger.ts)
    logger: new ParameterFreeTypeOrmLogger(),
    applicationName,
    extra: { max: poolMax, options: SESSION_OPTIONS },
  };
}
