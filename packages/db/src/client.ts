import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { type ControlRegistry, lockDataDir } from './data-dir/index.js';
import { preparedQueries } from './pglite-statements.js';
import * as schema from './schema/index.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Receives `NOTIFY channel, payload` (sent by `notify`) until the returned function is called. */
export type Listen = (channel: string, onMessage: (payload: string) => void) => Promise<() => Promise<void>>;

export interface DatabaseHandle {
  db: Database;
  /** `postgres` for a PostgreSQL server, `pglite` for the embedded database. */
  kind: 'postgres' | 'pglite';
  listen: Listen;
  /**
   * Only on an embedded database in a directory, which this process alone holds: the operator
   * commands it runs for other processes (`runInHolder`).
   */
  control?: ControlRegistry;
  close(): Promise<void>;
}

export type DatabaseOptions = (
  | { url: string; maxConnections?: number }
  /** `dataDir` undefined means an in-memory database. */
  | { dataDir: string | undefined }
) & {
  /**
   * What this process is, e.g. `pnpm start`: told to any other process that would open the same
   * embedded database. The script's name unless given; unused on PostgreSQL.
   */
  purpose?: string;
};

/** Works from `src/` and from a copy of the package alike. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Opens the database and applies the committed migrations. An embedded database in a directory is
 * locked first, before anything touches its files: a second opener gets `DatabaseInUseError`.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const handle =
    'url' in options
      ? await openPostgres(options.url, options.maxConnections)
      : await openPglite(options.dataDir, options.purpose ?? basename(process.argv[1] ?? 'node'));
  try {
    await handle.migrate();
  } catch (error) {
    await handle.close();
    throw error;
  }
  const { db, kind, listen, control, close } = handle;
  return { db, kind, listen, control, close };
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
    control: undefined,
    close: () => client.end({ timeout: 5 }),
  };
}

// PostgreSQL's default 128 MB buffer pool is resident memory in PGlite; our tables fit in far
// less, and pages beyond it come from the operating system's file cache.
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * PGlite is PostgreSQL compiled to WebAssembly. V8 compiles it quickly (Liftoff) and then again,
 * optimized, wherever it runs hot (TurboFan); the second compilation held about 70 MB more resident
 * memory and slowed the start, for no throughput we could measure (docs/performance.md).
 */
function compileWebAssemblyOnce(): void {
  setFlagsFromString('--liftoff-only');
}

async function openPglite(dataDir: string | undefined, purpose: string) {
  const lock = dataDir ? await lockDataDir(dataDir, purpose) : undefined;
  const pglite = await startPglite(dataDir).catch(async (error) => {
    await lock?.release();
    throw error;
  });
  return {
    ...pglite,
    control: lock?.control,
    // Unlocked only once PGlite has closed and its files are consistent on disk.
    close: async () => {
      try {
        await pglite.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

async function startPglite(dataDir: string | undefined) {
  const pglite = await import('@electric-sql/pglite');
  const { PGlite } = pglite;
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  compileWebAssemblyOnce();
  if (dataDir) await initPgliteDataDir(dataDir);
  // One options object: PGlite ignores a second argument when the first is not a string.
  const client = new PGlite({
    dataDir,
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
    parsers: DRIZZLE_PARSERS,
  });
  // Statements are prepared once they are what the app runs: after the migrations.
  let prepared: Queryable['query'] | undefined;
  const db = drizzle({
    client: withoutQueryParsers(client, (...args) => (prepared ?? client.query.bind(client))(...args)),
    schema,
  });
  return {
    db: db as Database,
    kind: 'pglite' as const,
    migrate: async () => {
      await migrate(db, { migrationsFolder });
      prepared = preparedQueries(client, pglite) as Queryable['query'];
    },
    listen: (async (channel, onMessage) => {
      const unlisten = await client.listen(channel, onMessage);
      return () => unlisten();
    }) satisfies Listen,
    close: () => client.close(),
  };
}

/**
 * The result parsers drizzle asks PGlite for: dates and intervals as PostgreSQL's text, which
 * drizzle converts itself (drizzle-orm/pglite/session.js).
 */
const asText = (value: string) => value;
const DRIZZLE_PARSERS = Object.fromEntries(
  // timestamp, timestamptz, interval, date, and arrays of numeric, timestamp, timestamptz, interval, date
  [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182].map((type) => [type, asText]),
);

interface Queryable {
  query(sql: string, params?: unknown[], options?: { parsers?: unknown }): Promise<unknown>;
  transaction?<T>(callback: (tx: Queryable) => Promise<T>): Promise<T>;
}

/**
 * The PGlite client as drizzle sees it, minus the parsers drizzle passes with every query: PGlite
 * merges them into a copy of its whole parser table each time, which costs more than a simple query
 * itself. The instance has the same parsers (`DRIZZLE_PARSERS`), so the results are unchanged.
 * Outside transactions, statements go to `query` (the prepared statements of pglite-statements.ts).
 */
function withoutQueryParsers<T extends Queryable>(
  client: T,
  query: Queryable['query'] = client.query.bind(client),
): T {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === 'query') {
        return (sql: string, params?: unknown[], options?: object) =>
          query(sql, params, options && { ...options, parsers: undefined });
      }
      if (key === 'transaction') {
        return <R>(callback: (tx: Queryable) => Promise<R>) =>
          target.transaction!((tx) => callback(withoutQueryParsers(tx)));
      }
      // PGlite's methods use private fields: they must run on the client itself, not the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Creates a new data directory (PostgreSQL's initdb) in a child process. In this process it would
 * run a second PGlite beside ours and leave several hundred MB resident after it is done; a child's
 * memory goes back to the system when it exits.
 */
async function initPgliteDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true });
  const initdb = `const { PGlite } = await import('@electric-sql/pglite');
const db = new PGlite(process.argv[1]);
await db.waitReady;
await db.close();`;
  // Run from this package, where '@electric-sql/pglite' resolves.
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  try {
    await promisify(execFile)(
      process.execPath,
      ['--liftoff-only', '--input-type=module', '-e', initdb, dataDir],
      { cwd },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${dataDir}${stderr ? `: ${stderr}` : ''}`);
  }
}
