export * from './job-catalogue.js';
export * from './queue-connection.js';
export * from './queue.module.js';
export * from './outbox-writer.js';
export * from './outbox-dispatcher.js';
export * from './queue-health.js';
export * from './readiness.js';
export * from './job-schedules.js';
