export * from './audit-trail.service.js';
export * from './audit.module.js';
