export { and, asc, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
export {
  type Database,
  type DatabaseHandle,
  type DatabaseOptions,
  type Listen,
  migrationsFolder,
  openDatabase,
} from './client.js';
export { hashSecret } from './hash.js';
export { notify } from './notify.js';
export { createOidcAdapterFactory, type OidcAdapterOptions } from './oidc-adapter.js';
export * from './schema/index.js';
export { loadOrCreateSecret } from './secrets.js';
