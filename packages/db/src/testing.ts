import { randomBytes } from 'node:crypto';
import { type DatabaseHandle, type DatabaseOptions, openDatabase } from './client.js';

export interface TestDatabase extends DatabaseHandle {
  /** Opens another handle on the same data, as a restarted process would (close this one first on PGlite). */
  reopen(): Promise<DatabaseHandle>;
}

/**
 * A migrated database of its own for one test file: a fresh database on the PostgreSQL server
 * named by `DATABASE_URL` when it is set (dropped again on close), otherwise PGlite, in memory or,
 * to survive a reopen, in `dataDir`.
 */
export async function createTestDatabase(
  options: { dataDir?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestDatabase> {
  const url = env.DATABASE_URL;
  if (!url) {
    const pglite: DatabaseOptions = { dataDir: options.dataDir };
    const handle = await openDatabase(pglite);
    return {
      ...handle,
      reopen: () => {
        if (!options.dataDir)
          throw new Error('an in-memory test database cannot be reopened; pass a dataDir');
        return openDatabase(pglite);
      },
    };
  }

  const { default: postgres } = await import('postgres');
  const name = `enclavia_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = await openDatabase({ url: testUrl.href, maxConnections: 5 });
  return {
    ...handle,
    reopen: () => openDatabase({ url: testUrl.href, maxConnections: 5 }),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
