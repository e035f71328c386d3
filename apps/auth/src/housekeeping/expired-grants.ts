import { and, type Database, eq, isNotNull, lte, oidcModels, sql } from '@enclavia/db';
import { revokeGrants } from '../revocation.js';

/**
 * Ends the connected apps whose consent ran out (GRANT_TTL): oidc-provider no longer honours them,
 * so they leave "Connected apps" and the audit log says they expired. Runs before the sweep
 * deletes the expired Grant rows that tell which they are.
 */
export async function endExpiredGrants(
  db: Database,
  { accessTokenTtl, limit = 1000 }: { accessTokenTtl: number; limit?: number },
): Promise<number> {
  const expired = await db
    .select({ grantId: oidcModels.grantId })
    .from(oidcModels)
    .where(
      and(
        eq(oidcModels.model, 'Grant'),
        isNotNull(oidcModels.grantId),
        lte(oidcModels.expiresAt, sql`now()`),
      ),
    )
    .limit(limit);
  const ids = expired.map((row) => row.grantId!);
  if (ids.length === 0) return 0;
  return db.transaction((tx) => revokeGrants(tx, ids, { source: 'expired' }, { accessTokenTtl }));
}
