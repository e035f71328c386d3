export * from './claims.js';
export * from './resource.js';
export * from './scopes.js';
