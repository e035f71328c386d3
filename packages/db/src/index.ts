export { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
export {
  type Database,
  type DatabaseHandle,
  type DatabaseOptions,
  migrationsFolder,
  openDatabase,
} from './client.js';
export { hashSecret } from './hash.js';
export { notify } from './notify.js';
export { createOidcAdapterFactory, type OidcAdapterOptions } from './oidc-adapter.js';
export * from './schema/index.js';
export { loadOrCreateSecret } from './secrets.js';
