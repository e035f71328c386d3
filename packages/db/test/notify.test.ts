import { afterAll, beforeAll, expect, it } from 'vitest';
import { notify } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

it('delivers a NOTIFY to a listener, and only after the transaction commits', async () => {
  const received: string[] = [];
  const unlisten = await database.listen('enclavia_test', (payload) => received.push(payload));
  await database.db.transaction(async (tx) => {
    await notify(tx, 'enclavia_test', 'inside');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
  });
  await notify(database.db, 'enclavia_test', 'outside');
  await expect.poll(() => received).toEqual(['inside', 'outside']);
  await unlisten();
  await notify(database.db, 'enclavia_test', 'after');
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(received).toEqual(['inside', 'outside']);
});
