export * from './database.js';
export * from './member-factory.js';
export * from './redis-server.js';
export * from './test-config.js';
export * from './wait-for.js';
export * from './provisioning-fixtures.js';
export * from './webhook-receiver.js';
export * from './sipp-client.js';
