export * from './claims.js';
export * from './cors.js';
export * from './policy.js';
export * from './resource.js';
export * from './scopes.js';
