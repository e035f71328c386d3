import { sql } from 'drizzle-orm';
import type { Executor } from './audit.js';

/**
 * Serializes, per grant, everything that deletes a grant's rows, until the transaction ends.
 * oidc-provider revokes a grant with several deletes at once (its tokens by grant id, model by
 * model, beside the grant itself); on PostgreSQL those run on separate connections, and two
 * multi-row deletes of one grant's rows could each hold a row the other waits for. Ids are taken
 * in order, so two revocations of several grants cannot wait on each other either.
 */
export async function lockGrants(tx: Executor, grantIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(grantIds)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${id}, 0))`);
  }
}
