export * from './enclaves.js';
export * from './identity.js';
export * from './oidc.js';
