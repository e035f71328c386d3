import { type DatabaseHandle, enclaveLogs, enclaves, eq, users, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  createEnclave,
  type EnclaveDriver,
  getEnclave,
  startLocalDriver,
  stopEnclave,
} from '../src/index.js';

let database: TestDatabase;
let workspaceId: string;
let actor: Actor;
const fast = { pullMs: 20, buildMs: 50, stopMs: 20, pollMs: 20 };

beforeAll(async () => {
  database = await createTestDatabase();
  const [ws] = await database.db.insert(workspaces).values({ name: 'w' }).returning();
  workspaceId = ws!.id;
  const [user] = await database.db.insert(users).values({ email: 'driver@example.com' }).returning();
  actor = { userId: user!.id, clientId: null };
});
afterAll(() => database?.close());

const stateOf = async (id: string) => (await getEnclave(database.db, workspaceId, id)).state;
const linesOf = async (id: string) =>
  (
    await database.db.select().from(enclaveLogs).where(eq(enclaveLogs.enclaveId, id)).orderBy(enclaveLogs.id)
  ).map((l) => `${l.stream}: ${l.line}`);

describe('the local driver', () => {
  it('moves an enclave through its lifecycle, with build and runtime logs and a measurement', async () => {
    const driver = startLocalDriver({ db: database.db, timings: fast });
    try {
      const enclave = await createEnclave(database.db, {
        workspaceId,
        actor,
        schedule: driver.schedule,
        quota: 100,
        input: { image: 'ghcr.io/acme/api:1', container_port: 9000 },
      });
      driver.wake();
      await expect.poll(() => stateOf(enclave.id), { timeout: 5000 }).toBe('running');
      const running = await getEnclave(database.db, workspaceId, enclave.id);
      expect(running.measurement).toMatch(/^[0-9a-f]{96}$/);
      const lines = await linesOf(enclave.id);
      expect(lines).toEqual(
        expect.arrayContaining([
          'build: Pulling ghcr.io/acme/api:1',
          `build: Measurement PCR0: ${running.measurement}`,
          'runtime: Container listening on port 9000',
        ]),
      );

      await stopEnclave(database.db, { workspaceId, id: enclave.id, actor, schedule: driver.schedule });
      await expect.poll(() => stateOf(enclave.id), { timeout: 5000 }).toBe('stopped');
      expect((await linesOf(enclave.id)).at(-1)).toBe('runtime: Enclave stopped');
    } finally {
      await driver.close();
    }
  });

  it('fails a build that cannot succeed, with the reason', async () => {
    const driver = startLocalDriver({ db: database.db, timings: fast });
    try {
      const enclave = await createEnclave(database.db, {
        workspaceId,
        actor,
        schedule: driver.schedule,
        quota: 100,
        input: { image: 'ghcr.io/acme/fail-build:1' },
      });
      await expect.poll(() => stateOf(enclave.id), { timeout: 5000 }).toBe('failed');
      expect((await getEnclave(database.db, workspaceId, enclave.id)).failureReason).toContain(
        'build failed',
      );
    } finally {
      await driver.close();
    }
  });

  it('resumes a build that a stopped process left unfinished', async () => {
    const slow = startLocalDriver({ db: database.db, timings: { ...fast, buildMs: 60_000 } });
    const enclave = await createEnclave(database.db, {
      workspaceId,
      actor,
      schedule: slow.schedule,
      quota: 100,
      input: { image: 'ghcr.io/acme/resume:1' },
    });
    await expect.poll(() => stateOf(enclave.id), { timeout: 5000 }).toBe('building');
    await slow.close();
    // As if the build's time had come while no process was running.
    await database.db.update(enclaves).set({ nextStepAt: new Date() }).where(eq(enclaves.id, enclave.id));

    const next = startLocalDriver({ db: database.db, timings: fast });
    try {
      await expect.poll(() => stateOf(enclave.id), { timeout: 5000 }).toBe('running');
      expect((await linesOf(enclave.id)).filter((l) => l.startsWith('build: Pulling'))).toHaveLength(1);
    } finally {
      await next.close();
    }
  });

  it('moves each enclave exactly once when two drivers share the database', async () => {
    // On PostgreSQL each driver has its own connections, as two server processes would.
    const second: DatabaseHandle =
      database.kind === 'postgres'
        ? await database.reopenSeparately()
        : { db: database.db, kind: database.kind, listen: database.listen, close: async () => {} };
    const drivers: EnclaveDriver[] = [
      startLocalDriver({ db: database.db, timings: { ...fast, pollMs: 5 } }),
      startLocalDriver({ db: second.db, timings: { ...fast, pollMs: 5 } }),
    ];
    try {
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          createEnclave(database.db, {
            workspaceId,
            actor,
            schedule: drivers[0]!.schedule,
            quota: 100,
            input: { image: `ghcr.io/acme/many:${i}` },
          }),
        ),
      );
      for (const enclave of created)
        await expect.poll(() => stateOf(enclave.id), { timeout: 10_000 }).toBe('running');
      for (const enclave of created) {
        const lines = await linesOf(enclave.id);
        for (const once of ['build: Pulling', 'build: Enclave image built', 'runtime: Health check passed']) {
          expect(
            lines.filter((l) => l.startsWith(once)),
            `${enclave.image}: ${once}`,
          ).toHaveLength(1);
        }
      }
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
      await second.close();
    }
  });
});
