export * from './labelled-metrics.js';
export * from './metrics-registry.js';
export * from './metrics-access.js';
export * from './metrics-server.js';
export * from './metrics.module.js';
