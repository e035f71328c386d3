import { randomBytes } from 'node:crypto';
import { type Database, type DatabaseHandle, type DatabaseOptions, openDatabase } from './client.js';

/**
 * A migrated database of its own for one test file: a fresh database on the PostgreSQL server
 * named by `DATABASE_URL` when it is set (dropped on close), otherwise PGlite, in memory or, to
 * survive `restart()`, in `dataDir`.
 */
export class TestDatabase {
  private released = false;

  private constructor(
    private handle: DatabaseHandle,
    private readonly options: DatabaseOptions,
    private readonly dispose: () => Promise<void>,
  ) {}

  static async create(
    options: { dataDir?: string } = {},
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<TestDatabase> {
    const url = env.DATABASE_URL;
    if (!url) {
      const pglite = { dataDir: options.dataDir };
      return new TestDatabase(await openDatabase(pglite), pglite, async () => {});
    }
    const { default: postgres } = await import('postgres');
    const name = `enclavia_test_${randomBytes(6).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const testUrl = new URL(url);
    testUrl.pathname = `/${name}`;
    const postgresOptions = { url: testUrl.href, maxConnections: 5 };
    return new TestDatabase(await openDatabase(postgresOptions), postgresOptions, async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    });
  }

  get db(): Database {
    return this.handle.db;
  }

  get kind(): DatabaseHandle['kind'] {
    return this.handle.kind;
  }

  get listen(): DatabaseHandle['listen'] {
    return this.handle.listen;
  }

  /** Closes the connection and opens a new one on the same data, as a restarted process would. */
  async restart(): Promise<void> {
    if ('dataDir' in this.options && !this.options.dataDir) {
      throw new Error('an in-memory test database cannot be restarted; pass a dataDir');
    }
    if (!this.released) await this.handle.close();
    this.handle = await openDatabase(this.options);
    this.released = false;
  }

  /** Closes the connection, so another process can open the embedded database; `restart()` resumes. */
  async release(): Promise<void> {
    if (!this.released) await this.handle.close();
    this.released = true;
  }

  /** Another handle on the same data, with its own connections, as a second process would have (PostgreSQL only). */
  async reopenSeparately(): Promise<DatabaseHandle> {
    if ('dataDir' in this.options) throw new Error('the embedded database cannot be opened twice at once');
    return openDatabase(this.options);
  }

  /** The environment a child process needs to open this database (close it here first on PGlite). */
  get childEnv(): Record<string, string> {
    return 'url' in this.options
      ? { DATABASE_URL: this.options.url }
      : { DATA_DIR: this.options.dataDir ?? '' };
  }

  async close(): Promise<void> {
    if (!this.released) await this.handle.close();
    await this.dispose();
  }
}

export const createTestDatabase = (options?: { dataDir?: string }) => TestDatabase.create(options);

/**
 * An empty database, not migrated, on the PostgreSQL server of `url`: for a test that runs the
 * migration step itself, as a deployment does.
 */
export async function createEmptyPostgresDatabase(
  url: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const name = `enclavia_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  return {
    url: databaseUrl.href,
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
