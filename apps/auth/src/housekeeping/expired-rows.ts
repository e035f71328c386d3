import {
  and,
  type Database,
  lte,
  oidcModels,
  revokedGrants,
  sealStoredClientSecrets,
  sql,
  webSessions,
} from '@enclavia/db';
import type { FastifyInstance } from 'fastify';
import { endExpiredGrants } from './expired-grants.js';
import { runPeriodically } from './schedule.js';

/**
 * The tables whose rows carry their own `expires_at`. Nothing reads an expired row (the adapter,
 * the web session lookup and the MCP servers' revocation list all ignore them), so removing one
 * changes nothing but the size of the table and the secrets at rest.
 */
const EXPIRING = { oidcModels, webSessions, revokedGrants } as const;
type Table = keyof typeof EXPIRING;

/** Rows deleted per statement: each is a short transaction, so a backlog never holds a long lock. */
const BATCH = 1000;

/** Deletes every expired row (rows without expiry stay), in batches; how many, per table. */
export async function sweepExpiredRows(
  db: Database,
  { batchSize = BATCH }: { batchSize?: number } = {},
): Promise<Record<Table, number>> {
  const removed = { oidcModels: 0, webSessions: 0, revokedGrants: 0 };
  for (const name of Object.keys(EXPIRING) as Table[]) {
    for (;;) {
      const count = await deleteExpiredBatch(db, EXPIRING[name], batchSize);
      removed[name] += count;
      if (count < batchSize) break;
    }
  }
  return removed;
}

/**
 * Up to `limit` expired rows of `table`, picked by `ctid` so one statement shape serves every table.
 * The outer check again: a row saved again since the pick (a new version, at a new ctid) stays.
 */
async function deleteExpiredBatch(
  db: Database,
  table: (typeof EXPIRING)[Table],
  limit: number,
): Promise<number> {
  const deleted = await db
    .delete(table)
    .where(
      and(
        lte(table.expiresAt, sql`now()`),
        sql`ctid = any(array(select ctid from ${table} where ${table.expiresAt} <= now() limit ${limit}))`,
      ),
    )
    .returning({ one: sql`1` });
  return deleted.length;
}

/** Runs the sweep every `intervalSeconds` while the app is up; every replica may run it. */
export function scheduleExpiredRowSweep(
  app: FastifyInstance,
  db: Database,
  { intervalSeconds, accessTokenTtl }: { intervalSeconds: number; accessTokenTtl: number },
): void {
  runPeriodically(app, { intervalSeconds, failure: 'sweeping expired rows failed' }, async () => {
    const ended = await endExpiredGrants(db, { accessTokenTtl });
    if (ended > 0) app.log.info({ count: ended }, 'ended connected apps whose consent expired');
    const removed = await sweepExpiredRows(db);
    if (Object.values(removed).some((n) => n > 0)) app.log.info(removed, 'removed expired rows');
    const sealed = await sealStoredClientSecrets(db);
    if (sealed > 0) app.log.info({ count: sealed }, 'encrypted the secrets of clients registered before');
  });
}
