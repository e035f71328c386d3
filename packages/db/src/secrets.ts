import { eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { serverSecrets } from './schema/index.js';

/**
 * Returns the secret stored under `name`, creating it with `generate` the first time. Safe when
 * several processes start at once on one database: the first insert wins and everyone reads it.
 */
export async function loadOrCreateSecret<T>(
  db: Database,
  name: string,
  generate: () => Promise<T> | T,
): Promise<T> {
  const existing = await readSecret<T>(db, name);
  if (existing !== undefined) return existing;
  await db
    .insert(serverSecrets)
    .values({ name, value: await generate() })
    .onConflictDoNothing();
  const stored = await readSecret<T>(db, name);
  if (stored === undefined) throw new Error(`secret ${name} could not be stored`);
  return stored;
}

export async function readSecret<T>(db: Database, name: string): Promise<T | undefined> {
  const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, name));
  return row ? (row.value as T) : undefined;
}
