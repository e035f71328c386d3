import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Receives `NOTIFY channel, payload` (sent by `notify`) until the returned function is called. */
export type Listen = (channel: string, onMessage: (payload: string) => void) => Promise<() => Promise<void>>;

export interface DatabaseHandle {
  db: Database;
  /** `postgres` for a PostgreSQL server, `pglite` for the embedded database. */
  kind: 'postgres' | 'pglite';
  listen: Listen;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { url: string; maxConnections?: number }
  /** `dataDir` undefined means an in-memory database. */
  | { dataDir: string | undefined };

/** Works from `src/` and from a copy of the package alike. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Opens the database and applies the committed migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const handle =
    'url' in options
      ? await openPostgres(options.url, options.maxConnections)
      : await openPglite(options.dataDir);
  try {
    await handle.migrate();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { db: handle.db, kind: handle.kind, listen: handle.listen, close: handle.close };
}

async function openPostgres(url: string, max = 10) {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzle({ client, schema });
  return {
    db: db as Database,
    kind: 'postgres' as const,
    migrate: () => migrate(db, { migrationsFolder }),
    listen: (async (channel, onMessage) => {
      const { unlisten } = await client.listen(channel, onMessage);
      return unlisten;
    }) satisfies Listen,
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string | undefined) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  const db = drizzle({ client, schema });
  return {
    db: db as Database,
    kind: 'pglite' as const,
    migrate: () => migrate(db, { migrationsFolder }),
    listen: (async (channel, onMessage) => {
      const unlisten = await client.listen(channel, onMessage);
      return () => unlisten();
    }) satisfies Listen,
    close: () => client.close(),
  };
}
