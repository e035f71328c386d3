import { REVOCATION_CHANNEL } from '@enclavia/contract';
import { type Executor, grants, inArray, notify, oidcModels, revokedGrants } from '@enclavia/db';

/**
 * Tells the MCP servers, at once (NOTIFY) and durably (the table their periodic resync reads),
 * that credentials are revoked: grant ids, or personal access token keys. Each entry is kept
 * until the last token it covers would have expired anyway.
 */
export async function announceRevocations(
  db: Executor,
  entries: ReadonlyArray<{ key: string; expiresAt: Date }>,
  reason: string,
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insert(revokedGrants)
    .values(entries.map(({ key, expiresAt }) => ({ grantId: key, reason, expiresAt })))
    .onConflictDoNothing();
  for (const { key } of entries) await notify(db, REVOCATION_CHANNEL, key);
}

/**
 * Revokes grants everywhere at once: their refresh tokens and codes are deleted here, and the MCP
 * servers refuse their access tokens within a second.
 */
export async function revokeGrants(
  db: Executor,
  grantIds: readonly string[],
  { reason, accessTokenTtl }: { reason: string; accessTokenTtl: number },
): Promise<void> {
  if (grantIds.length === 0) return;
  await db.delete(oidcModels).where(inArray(oidcModels.grantId, [...grantIds]));
  await db.delete(grants).where(inArray(grants.id, [...grantIds]));
  const expiresAt = new Date(Date.now() + (accessTokenTtl + 60) * 1000);
  await announceRevocations(
    db,
    grantIds.map((key) => ({ key, expiresAt })),
    reason,
  );
}
