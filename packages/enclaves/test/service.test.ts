import { enclaveLogs, users, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  canTransition,
  createEnclave,
  destroyEnclave,
  EnclaveError,
  getEnclave,
  readLogs,
  STORAGE_BYTES,
  stopEnclave,
  validateCreate,
} from '../src/index.js';

let database: TestDatabase;
let mine: string;
let theirs: string;
let actor: Actor;
const schedule = () => new Date();

beforeAll(async () => {
  database = await createTestDatabase();
  const [a, b] = await database.db
    .insert(workspaces)
    .values([{ name: 'mine' }, { name: 'theirs' }])
    .returning();
  mine = a!.id;
  theirs = b!.id;
  const [user] = await database.db.insert(users).values({ email: 'actor@example.com' }).returning();
  actor = { userId: user!.id, clientId: 'client-1' };
});
afterAll(() => database?.close());

const create = (workspaceId: string, input = {}) =>
  createEnclave(database.db, {
    workspaceId,
    actor,
    schedule,
    quota: 100,
    input: { image: 'ghcr.io/acme/api:1', ...input },
  });

function expectError(fn: () => unknown, kind: EnclaveError['kind'], message: string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EnclaveError);
    expect((error as EnclaveError).kind).toBe(kind);
    expect(`${(error as Error).message} ${(error as EnclaveError).hint}`).toContain(message);
    return;
  }
  throw new Error('expected an error');
}

describe('the rules of a new enclave', () => {
  it('fills in the defaults', () => {
    expect(validateCreate({ image: 'ghcr.io/acme/api' })).toEqual({
      image: 'ghcr.io/acme/api:latest',
      instanceType: 'enclave.small',
      containerPort: 8080,
      storageSizeBytes: STORAGE_BYTES.default,
      name: null,
    });
  });

  it.each([
    [{ image: 'nginx' }, 'Invalid image'],
    [{ image: 'ghcr.io/a/b', instance_type: 'huge' }, 'Unknown instance_type "huge"'],
    [{ image: 'ghcr.io/a/b', container_port: 0 }, 'Use a whole number from 1 to 65535'],
    [{ image: 'ghcr.io/a/b', container_port: 65536 }, 'container_port 65536 is out of range'],
    [{ image: 'ghcr.io/a/b', container_port: 80.5 }, 'out of range'],
    [{ image: 'ghcr.io/a/b', storage_size_bytes: 1024 }, 'from 1073741824 (1 GiB)'],
    [{ image: 'ghcr.io/a/b', storage_size_bytes: 2 * 1024 ** 4 }, 'out of bounds'],
    [{ image: 'ghcr.io/a/b', name: 'Bad_Name' }, 'Invalid name "Bad_Name"'],
    [{ image: 'ghcr.io/a/b', name: '-x' }, 'Invalid name'],
  ])('refuses %j', (input, message) => expectError(() => validateCreate(input), 'invalid_input', message));
});

describe('the lifecycle rules', () => {
  it('allows only the transitions of the state machine', () => {
    expect(canTransition('pending', 'building')).toBe(true);
    expect(canTransition('running', 'stopping')).toBe(true);
    expect(canTransition('stopped', 'running')).toBe(false);
    expect(canTransition('destroyed', 'destroyed')).toBe(false);
    expect(canTransition('failed', 'stopping')).toBe(false);
  });

  it('refuses to stop a stopped enclave or destroy a destroyed one, saying what to do', async () => {
    const enclave = await create(mine);
    await stopEnclave(database.db, { workspaceId: mine, id: enclave.id, actor, schedule });
    await expect(
      stopEnclave(database.db, { workspaceId: mine, id: enclave.id, actor, schedule }),
    ).rejects.toThrow(/is stopping and cannot be stopped/);
    await destroyEnclave(database.db, { workspaceId: mine, id: enclave.id, actor });
    const again = destroyEnclave(database.db, { workspaceId: mine, id: enclave.id, actor });
    await expect(again).rejects.toMatchObject({
      kind: 'illegal_transition',
      hint: expect.stringContaining('enclave_create'),
    });
  });

  it("treats another workspace's enclave, and a malformed id, as not found", async () => {
    const enclave = await create(theirs);
    for (const id of [enclave.id, 'not-a-uuid']) {
      await expect(getEnclave(database.db, mine, id)).rejects.toMatchObject({ kind: 'not_found' });
      await expect(
        stopEnclave(database.db, { workspaceId: mine, id, actor, schedule }),
      ).rejects.toMatchObject({
        kind: 'not_found',
      });
      await expect(destroyEnclave(database.db, { workspaceId: mine, id, actor })).rejects.toMatchObject({
        kind: 'not_found',
      });
      await expect(readLogs(database.db, { workspaceId: mine, id, stream: 'both' })).rejects.toMatchObject({
        kind: 'not_found',
      });
    }
    expect((await getEnclave(database.db, theirs, enclave.id)).state).toBe('pending');
  });

  it('reads logs by stream, tail and since', async () => {
    const enclave = await create(mine);
    const start = Date.now() + 60_000;
    const at = (s: number) => new Date(start + s * 1000);
    await database.db.insert(enclaveLogs).values([
      { enclaveId: enclave.id, stream: 'build', line: 'b1', at: at(1) },
      { enclaveId: enclave.id, stream: 'runtime', line: 'r1', at: at(2) },
      { enclaveId: enclave.id, stream: 'build', line: 'b2', at: at(3) },
      { enclaveId: enclave.id, stream: 'runtime', line: 'r2', at: at(4) },
    ]);
    const lines = async (o: object) =>
      (await readLogs(database.db, { workspaceId: mine, id: enclave.id, stream: 'both', ...o })).map(
        (l) => l.line,
      );
    expect((await lines({})).slice(-4)).toEqual(['b1', 'r1', 'b2', 'r2']);
    expect(await lines({ stream: 'runtime' })).toEqual(['r1', 'r2']);
    expect(await lines({ tail: 2 })).toEqual(['b2', 'r2']);
    expect(await lines({ since: at(2) })).toEqual(['b2', 'r2']);
  });
});
