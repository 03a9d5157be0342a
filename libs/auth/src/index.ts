export * from './auth.module.js';
export * from './bearer-token.js';
export * from './credential-verifier.service.js';
export * from './member-auth.guard.js';
export * from './operator-auth.guard.js';
export * from './principal.decorator.js';
export * from './principal.js';
export * from './optional-member-auth.guard.js';
