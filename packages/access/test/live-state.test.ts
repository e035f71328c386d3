import { POLICY_CHANNEL } from '@enclavia/contract';
import { notify, users, workspacePolicies, workspaces } from '@enclavia/db';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcePolicy, DEFAULT_POLICY, startLivePolicies, startLiveState } from '../src/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function newWorkspace(name: string): Promise<string> {
  const [user] = await database.db
    .insert(users)
    .values({ email: `${name}@example.com` })
    .returning();
  const [workspace] = await database.db
    .insert(workspaces)
    .values({ name, personalOwnerId: user!.id })
    .returning();
  return workspace!.id;
}

/** Waits until `check` stops throwing (the push arrives), failing after two seconds. */
async function eventually(check: () => void): Promise<void> {
  await expect
    .poll(
      () => {
        try {
          check();
          return true;
        } catch {
          return false;
        }
      },
      { timeout: 2000, interval: 10 },
    )
    .toBe(true);
}

describe('live workspace policies', () => {
  it('are the default for a workspace never changed, and follow a change announced at commit', async () => {
    const policies = await startLivePolicies({
      db: database.db,
      listen: database.listen,
      resyncSeconds: 3600,
    });
    const id = await newWorkspace('ada');
    expect(policies.get(id)).toMatchObject({ mcpEnabled: true, scopeCeiling: DEFAULT_POLICY.scopeCeiling });

    const off = { ...DEFAULT_POLICY, mcpEnabled: false, scopeCeiling: ['enclaves:read' as const] };
    await database.db.transaction(async (tx) => {
      await tx.insert(workspacePolicies).values({ workspaceId: id, ...off });
      await announcePolicy(tx, id, off);
    });
    await eventually(() =>
      expect(policies.get(id)).toMatchObject({ mcpEnabled: false, scopeCeiling: ['enclaves:read'] }),
    );
    await policies.close();
  });

  it('ignore an announcement whose transaction rolled back', async () => {
    const policies = await startLivePolicies({
      db: database.db,
      listen: database.listen,
      resyncSeconds: 3600,
    });
    const id = await newWorkspace('bob');
    await database.db
      .transaction(async (tx) => {
        await announcePolicy(tx, id, { ...DEFAULT_POLICY, mcpEnabled: false });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    // A later announcement in the same channel proves the first would have arrived by now.
    const other = await newWorkspace('carol');
    await database.db.transaction((tx) =>
      announcePolicy(tx, other, { ...DEFAULT_POLICY, refreshTokensEnabled: false }),
    );
    await eventually(() => expect(policies.get(other).refreshTokensEnabled).toBe(false));
    expect(policies.get(id).mcpEnabled).toBe(true);
    await policies.close();
  });

  it('ignore a malformed announcement, and a reload reads what no announcement said', async () => {
    const policies = await startLivePolicies({
      db: database.db,
      listen: database.listen,
      resyncSeconds: 3600,
    });
    const id = await newWorkspace('dan');
    await notify(database.db, POLICY_CHANNEL, '{"workspace_id":"not-a-uuid"}');
    await notify(database.db, POLICY_CHANNEL, 'not json');
    await database.db
      .insert(workspacePolicies)
      .values({ workspaceId: id, ...DEFAULT_POLICY, mcpEnabled: false });
    expect(policies.get(id).mcpEnabled).toBe(true);
    await policies.close();
    // The load that starts it is the one the timer repeats every REVOCATION_RESYNC_SECONDS.
    const fresh = await startLivePolicies({ db: database.db, listen: database.listen, resyncSeconds: 3600 });
    expect(fresh.get(id).mcpEnabled).toBe(false);
    await fresh.close();
  });
});

describe('live state', () => {
  it('keeps a change pushed while a reload is running, though the reload read the table before it', async () => {
    let releaseLoad: (() => void) | undefined;
    let loads = 0;
    const live = await startLiveState<Set<string>, string>({
      listen: database.listen,
      channel: 'enclavia_test_channel',
      resyncSeconds: 3600,
      load: async () => {
        loads += 1;
        // The first load answers at once; the second waits until the test has pushed a change.
        if (loads > 1) await new Promise<void>((resolve) => (releaseLoad = resolve));
        return new Set(['from-table']);
      },
      parse: (payload) => payload || undefined,
      apply: (state, key) => state.add(key),
    });
    const reloading = live.resync();
    await expect.poll(() => releaseLoad !== undefined).toBe(true);
    await notify(database.db, 'enclavia_test_channel', 'pushed-meanwhile');
    await eventually(() => expect(live.current().has('pushed-meanwhile')).toBe(true));
    releaseLoad!();
    await reloading;
    expect([...live.current()].sort()).toEqual(['from-table', 'pushed-meanwhile']);
    await live.close();
  });
});
