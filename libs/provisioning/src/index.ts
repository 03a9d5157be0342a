export * from './fetch-usage.js';
export * from './change-notifications.handler.js';
export * from './hub-document.js';
export * from './provisioning-views.service.js';
export * from './provisioning.module.js';
export * from './provisioning.service.js';
export * from './publish-checks.js';
export * from './view-cache.js';
