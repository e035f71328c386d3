import { and, type Database, eq, grants, lt, oidcModels, sql, workspaceClients } from '@enclavia/db';
import type { FastifyInstance } from 'fastify';
import { runPeriodically } from '../housekeeping/schedule.js';

/**
 * Removes registered clients older than `olderThan` that never obtained a grant nor asked a
 * workspace to let them in (those are among its apps, where an admin decides). Claude registers
 * a new client for every connection attempt; the abandoned ones would pile up forever.
 */
export async function reapUnusedClients(db: Database, olderThan: Date): Promise<number> {
  const removed = await db
    .delete(oidcModels)
    .where(
      and(
        eq(oidcModels.model, 'Client'),
        lt(oidcModels.createdAt, olderThan),
        sql`not exists (select 1 from ${grants} where ${grants.clientId} = ${oidcModels.payload}->>'client_id')`,
        // One that asked a workspace (an app waiting for approval, or blocked) keeps its identity.
        sql`not exists (select 1 from ${workspaceClients} where ${workspaceClients.clientId} = ${oidcModels.payload}->>'client_id')`,
      ),
    )
    .returning({ id: oidcModels.id });
  return removed.length;
}

/** Runs the reaper every `intervalSeconds` while the app is up; every replica may run it. */
export function scheduleClientReaping(
  app: FastifyInstance,
  db: Database,
  { afterSeconds, intervalSeconds }: { afterSeconds: number; intervalSeconds: number },
): void {
  runPeriodically(app, { intervalSeconds, failure: 'client reaping failed' }, async () => {
    const count = await reapUnusedClients(db, new Date(Date.now() - afterSeconds * 1000));
    if (count > 0) app.log.info({ count }, 'removed registered clients that never obtained a grant');
  });
}
