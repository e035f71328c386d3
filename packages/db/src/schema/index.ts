export * from './enclaves.js';
export * from './grants.js';
export * from './identity.js';
export * from './oidc.js';
export * from './workspace-admin.js';
