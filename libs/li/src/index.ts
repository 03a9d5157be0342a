export * from './li-target.js';
export * from './li-sealer.js';
