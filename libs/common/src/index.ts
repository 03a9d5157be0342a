export * from './domain-errors.js';
export * from './actor-context.js';
export * from './domain-name.js';
export * from './cursor.js';
export * from './secret-token.js';
export * from './canonical-json.js';
export * from './input-checks.js';
export * from './vocabulary.js';
