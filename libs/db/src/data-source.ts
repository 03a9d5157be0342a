import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig, requireDatabaseUrl } from '@app/config';
import { buildDataSourceOptions } from './data-source-options.js';

/** Entry point for the TypeORM CLI (`npm run migration:*`); the apps build theirs from the same options. */
const config = loadConfig();
export default new DataSource(buildDataSourceOptions({ url: requireDatabaseUrl(config), applicationName: 'typeorm-cli' }));
