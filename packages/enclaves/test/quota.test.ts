import { and, enclaves, eq, sql, users, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, createEnclave, destroyEnclave } from '../src/index.js';

let database: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  const [user] = await database.db.insert(users).values({ email: 'quota@example.com' }).returning();
  actor = { userId: user!.id, clientId: 'client-1' };
});
afterAll(() => database?.close());

async function newWorkspace(): Promise<string> {
  const [workspace] = await database.db.insert(workspaces).values({ name: 'quota' }).returning();
  return workspace!.id;
}

const create = (workspaceId: string, quota: number) =>
  createEnclave(database.db, {
    workspaceId,
    actor,
    quota,
    schedule: () => new Date(),
    input: { image: 'ghcr.io/acme/api:1' },
  });

const live = async (workspaceId: string) =>
  (
    await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(enclaves)
      .where(and(eq(enclaves.workspaceId, workspaceId), sql`${enclaves.state} <> 'destroyed'`))
  )[0]!.n;

describe('the enclave quota of a workspace', () => {
  it('refuses the enclave past the quota, naming it and what to do; a destroyed one frees a place', async () => {
    const workspaceId = await newWorkspace();
    const first = await create(workspaceId, 2);
    await create(workspaceId, 2);
    const refused = create(workspaceId, 2);
    await expect(refused).rejects.toMatchObject({
      kind: 'quota_exceeded',
      message: expect.stringContaining('quota of 2 enclaves'),
      hint: expect.stringMatching(/enclave_destroy.*ENCLAVE_QUOTA_PER_WORKSPACE/),
    });

    await destroyEnclave(database.db, { workspaceId, id: first.id, actor });
    await expect(create(workspaceId, 2)).resolves.toMatchObject({ state: 'pending' });
    expect(await live(workspaceId)).toBe(2);
  });

  it('counts each workspace on its own', async () => {
    const full = await newWorkspace();
    await create(full, 1);
    await expect(create(full, 1)).rejects.toMatchObject({ kind: 'quota_exceeded' });
    await expect(create(await newWorkspace(), 1)).resolves.toBeDefined();
  });

  it('lets exactly one of many concurrent creations take the last place', async () => {
    const workspaceId = await newWorkspace();
    const quota = 3;
    await create(workspaceId, quota);
    await create(workspaceId, quota);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => create(workspaceId, quota)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ kind: 'quota_exceeded' });
    }
    expect(await live(workspaceId)).toBe(quota);
  });
});
