export * from './entities/index.js';
export * from './repositories/index.js';
export * from './data-source-options.js';
export * from './run-migrations.js';
export * from './db.module.js';
export { startEmbeddedPostgres, freePort } from './embedded-postgres.js';
export type { EmbeddedPostgresHandle } from './embedded-postgres.js';
export * from './change-bus.js';
export * from './typeorm-logger.js';
