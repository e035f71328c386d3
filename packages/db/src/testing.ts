import { randomBytes } from 'node:crypto';
import { type DatabaseHandle, openDatabase } from './client.js';

/**
 * A migrated database of its own for one test file: a fresh database on the PostgreSQL server
 * named by `DATABASE_URL` when it is set (dropped again on close), an in-memory PGlite otherwise.
 */
export async function createTestDatabase(env: NodeJS.ProcessEnv = process.env): Promise<DatabaseHandle> {
  const url = env.DATABASE_URL;
  if (!url) return openDatabase({ dataDir: undefined });

  const { default: postgres } = await import('postgres');
  const name = `enclavia_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = await openDatabase({ url: testUrl.href, maxConnections: 5 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
