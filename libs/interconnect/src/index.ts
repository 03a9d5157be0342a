export * from './decision.js';
export * from './hash-chain.js';
export * from './signing-jwk.js';
export * from './hub-keys.js';
export * from './member-request-jws.js';
export * from './certificate-pin.js';
export * from './test-ca.js';
export * from './services/index.js';
