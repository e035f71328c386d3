import { eq, grants, users, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import Fastify from 'fastify';
import { Provider } from 'oidc-provider';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { trackGrantUse } from '../src/tokens/grants.js';

let database: TestDatabase;
let clock = Date.parse('2026-06-01T12:00:00Z');
const provider = new Provider('http://127.0.0.1:4000', {});

beforeAll(async () => {
  database = await createTestDatabase();
  const [user] = await database.db.insert(users).values({ email: 'use@example.com' }).returning();
  const [workspace] = await database.db.insert(workspaces).values({ name: 'use' }).returning();
  const grant = {
    userId: user!.id,
    workspaceId: workspace!.id,
    clientId: 'client-1',
    scope: 'enclaves:read',
  };
  await database.db.insert(grants).values([
    { id: 'grant-1', ...grant },
    { id: 'grant-2', ...grant },
  ]);
  trackGrantUse(provider, database.db, Fastify().log, { everyMs: 60_000, now: () => clock });
});
afterAll(() => database?.close());

const lastUsed = async (id = 'grant-1') =>
  (await database.db.select().from(grants).where(eq(grants.id, id)))[0]!.lastUsedAt?.getTime();

it('records "last used" when the grant issues a token, then at most once a minute', async () => {
  const first = clock;
  provider.emit('access_token.issued', { grantId: 'grant-1' });
  await vi.waitFor(async () => expect(await lastUsed()).toBe(first));

  clock += 30_000;
  provider.emit('access_token.issued', { grantId: 'grant-1' });
  clock += 29_000;
  provider.emit('access_token.issued', { grantId: 'grant-1' });
  // Another grant's first use, recorded after those two would have been: once it has landed, they
  // would have too.
  provider.emit('access_token.issued', { grantId: 'grant-2' });
  await vi.waitFor(async () => expect(await lastUsed('grant-2')).toBe(clock));
  expect(await lastUsed()).toBe(first);

  clock += 1_000;
  provider.emit('access_token.issued', { grantId: 'grant-1' });
  await vi.waitFor(async () => expect(await lastUsed()).toBe(clock));
});
