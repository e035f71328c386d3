import { enclaves, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listEnclaves } from '../src/index.js';

let database: TestDatabase;
let mine: string;
let theirs: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const [a, b] = await database.db
    .insert(workspaces)
    .values([{ name: 'mine' }, { name: 'theirs' }])
    .returning();
  mine = a!.id;
  theirs = b!.id;
  const base = {
    image: 'ghcr.io/acme/app:1',
    instanceType: 'small',
    containerPort: 8080,
    storageSizeBytes: 1e9,
  };
  await database.db.insert(enclaves).values([
    { ...base, workspaceId: mine, name: 'old', state: 'stopped', createdAt: new Date('2026-01-01') },
    { ...base, workspaceId: mine, name: 'new', state: 'running', createdAt: new Date('2026-02-01') },
    { ...base, workspaceId: theirs, name: 'foreign', state: 'running' },
  ]);
});
afterAll(() => database?.close());

it("lists only the workspace's own enclaves, newest first", async () => {
  expect((await listEnclaves(database.db, mine)).map((e) => e.name)).toEqual(['new', 'old']);
  expect((await listEnclaves(database.db, theirs)).map((e) => e.name)).toEqual(['foreign']);
});

it('filters by state', async () => {
  expect((await listEnclaves(database.db, mine, { state: 'stopped' })).map((e) => e.name)).toEqual(['old']);
});

it("gives each of many concurrent lists only its own workspace's enclaves", async () => {
  const lists = await Promise.all([
    listEnclaves(database.db, theirs),
    listEnclaves(database.db, mine, { state: 'running' }),
    listEnclaves(database.db, mine),
    listEnclaves(database.db, '00000000-0000-4000-8000-000000000000'),
  ]);

  expect(lists.map((list) => list.map((e) => e.name))).toEqual([['foreign'], ['new'], ['new', 'old'], []]);
});
