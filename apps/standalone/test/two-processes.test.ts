import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { enclaveLogs, enclaves, eq, users, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { createEnclave } from '@enclavia/enclaves';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(
  dirname(createRequire(import.meta.url).resolve('@enclavia/mcp/package.json')),
  'bin',
  'enclavia-mcp-server.mjs',
);

// Two server processes can only share PostgreSQL; CI runs this file in its PostgreSQL pass.
describe.skipIf(!process.env.DATABASE_URL)('two MCP server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, [bin, '--transport', 'http'], {
        env: {
          PATH: process.env.PATH ?? '',
          ...database.childEnv,
          MCP_PORT: '0',
          ENCLAVE_PULL_MS: '5',
          ENCLAVE_BUILD_MS: '20',
          ENCLAVE_POLL_MS: '5',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('MCP server at') && resolve());
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
    }
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.on('exit', resolve))),
      ),
    );
    await database?.close();
  });

  it('drive the same enclaves without moving any of them twice', async () => {
    const [workspace] = await database.db.insert(workspaces).values({ name: 'shared' }).returning();
    const [user] = await database.db.insert(users).values({ email: 'two@example.com' }).returning();
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        createEnclave(database.db, {
          workspaceId: workspace!.id,
          actor: { userId: user!.id, clientId: null },
          schedule: () => new Date(),
          quota: 100,
          input: { image: `ghcr.io/acme/shared:${i}` },
        }),
      ),
    );
    const states = async () =>
      (
        await database.db
          .select({ state: enclaves.state })
          .from(enclaves)
          .where(eq(enclaves.workspaceId, workspace!.id))
      ).map((e) => e.state);
    await expect.poll(states, { timeout: 20_000 }).toEqual(Array(30).fill('running'));
    for (const enclave of created) {
      const lines = (
        await database.db.select().from(enclaveLogs).where(eq(enclaveLogs.enclaveId, enclave.id))
      ).map((l) => l.line);
      for (const once of ['Image pulled', 'Enclave image built', 'Health check passed']) {
        expect(
          lines.filter((l) => l === once),
          `${enclave.image}: ${once}`,
        ).toHaveLength(1);
      }
    }
  });
});
