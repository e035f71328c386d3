export { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
export { type AuditEntry, type AuditFilter, type Executor, listAudit, recordAudit } from './audit.js';
export { batched } from './batch.js';
export {
  type Database,
  type DatabaseHandle,
  type DatabaseOptions,
  type Listen,
  migrationsFolder,
  openDatabase,
} from './client.js';
export { sealStoredClientSecrets } from './client-secrets.js';
export {
  type ControlCommand,
  type ControlRegistry,
  DatabaseInUseError,
  DataDirLockError,
  type Holder,
  type HolderAnswer,
  runInHolder,
} from './data-dir/index.js';
export { lockGrants } from './grant-locks.js';
export { hashSecret } from './hash.js';
export { notify } from './notify.js';
export { createOidcAdapterFactory, type OidcAdapterOptions, textArray } from './oidc-adapter.js';
export * from './schema/index.js';
export { loadOrCreateSecret, readSecret } from './secrets.js';
