import { REVOCATION_CHANNEL } from '@enclavia/contract';
import { type Executor, grants, inArray, notify, oidcModels, revokedGrants } from '@enclavia/db';

/**
 * Revokes grants everywhere at once: their refresh tokens and codes are deleted here, and the MCP
 * server learns the grant ids by NOTIFY (and by its periodic resync) so it refuses their access
 * tokens within a second. A revocation is remembered until every access token it covers expired.
 */
export async function revokeGrants(
  db: Executor,
  grantIds: readonly string[],
  { reason, accessTokenTtl }: { reason: string; accessTokenTtl: number },
): Promise<void> {
  if (grantIds.length === 0) return;
  const expiresAt = new Date(Date.now() + (accessTokenTtl + 60) * 1000);
  await db
    .insert(revokedGrants)
    .values(grantIds.map((grantId) => ({ grantId, reason, expiresAt })))
    .onConflictDoNothing();
  await db.delete(oidcModels).where(inArray(oidcModels.grantId, [...grantIds]));
  await db.delete(grants).where(inArray(grants.id, [...grantIds]));
  for (const grantId of grantIds) await notify(db, REVOCATION_CHANNEL, grantId);
}
