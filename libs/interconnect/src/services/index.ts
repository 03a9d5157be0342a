export * from './interconnect-decisions.service.js';
export * from './interconnect.module.js';
export * from './member-credentials.service.js';
export * from './peering-policy.service.js';
export * from './transparency-log.service.js';
export * from './verification.service.js';
