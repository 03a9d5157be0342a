export * from './api-keys.service.js';
export * from './member-events.handler.js';
export * from './member-input.js';
export * from './member-lifecycle.js';
export * from './members.module.js';
export * from './members.service.js';
export * from './operators.service.js';
export * from './operator-sessions.service.js';
