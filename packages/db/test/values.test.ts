import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq, sql, users } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

// PGlite is given drizzle's result parsers once instead of with every query (client.ts); these
// are the values those parsers shape, read inside and outside a transaction.
let database: TestDatabase;
const disabledAt = new Date('2026-03-04T05:06:07.089Z');

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

it('reads timestamps back as the same instant, inside and outside a transaction', async () => {
  const [created] = await database.db
    .insert(users)
    .values({ email: 'values@example.com', disabledAt })
    .returning();
  const read = async (db: Pick<TestDatabase['db'], 'select'>) =>
    (await db.select().from(users).where(eq(users.id, created!.id)))[0]!;

  const outside = await read(database.db);
  const inside = await database.db.transaction(read);

  for (const row of [created!, outside, inside]) {
    expect(row.disabledAt).toEqual(disabledAt);
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  }
});

it('reads intervals and dates as PostgreSQL writes them', async () => {
  const result: unknown = await database.db.execute(
    sql`select date '2026-03-04' as d, interval '90 minutes' as i`,
  );
  // postgres.js answers with the rows, PGlite with an object holding them.
  const [row] = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  expect(row).toEqual({ d: '2026-03-04', i: '01:30:00' });
});
