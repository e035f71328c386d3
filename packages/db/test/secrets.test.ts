import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DatabaseHandle, loadOrCreateSecret } from '../src/index.js';
import { createTestDatabase } from '../src/testing.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

it('generates a secret once and returns the same one afterwards, even under a race', async () => {
  let calls = 0;
  const generate = () => ({ n: ++calls });
  const [a, b] = await Promise.all([
    loadOrCreateSecret(handle.db, 'k', generate),
    loadOrCreateSecret(handle.db, 'k', generate),
  ]);
  expect(a).toEqual(b);
  expect(await loadOrCreateSecret(handle.db, 'k', generate)).toEqual(a);
});
