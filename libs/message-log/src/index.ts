export * from './message-record.js';
export * from './participant-uri.js';
export * from './record-chain.js';
export * from './record-authorization.js';
export * from './message-log-ingest.service.js';
export * from './message-log.module.js';
export * from './message-log-partitions.service.js';
