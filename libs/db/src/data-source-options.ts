import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from '../../../migrations/index.js';

export interface DataSourceParams {
  url: string;
  poolMax?: number;
  applicationName?: string;
}

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
    logging: ['error'],
    applicationName,
    extra: { max: poolMax },
  };
}
