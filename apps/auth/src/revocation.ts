import { REVOCATION_CHANNEL, revocationPayload } from '@enclavia/contract';
import {
  type Executor,
  grants,
  inArray,
  lockGrants,
  notify,
  oidcModels,
  recordAudit,
  revokedGrants,
  users,
} from '@enclavia/db';
import { reportRevocation } from './revocation-events.js';

/** What started a revocation, as the audit log names it. */
export type RevocationSource =
  /** The user who connected the app (dashboard or API). */
  | 'user'
  /** An admin of the app's workspace (dashboard or API). */
  | 'admin'
  | 'member_removed'
  | 'user_disabled'
  /** A policy change the connection no longer satisfies (`detail` says which). */
  | 'policy'
  /** The client revoked its own refresh token (RFC 7009 /revoke). */
  | 'client'
  /** A refresh token presented again after it was used: someone else holds a copy. */
  | 'refresh_token_reuse'
  /** An authorization code redeemed twice (RFC 9700 §4.5). */
  | 'code_replay'
  | 'logout'
  /** The consent ran out (GRANT_TTL). */
  | 'expired'
  /** Any other revocation oidc-provider makes on its own. */
  | 'authorization_server';

export interface RevocationCause {
  source: RevocationSource;
  /** The person who did it, when one did. */
  actorUserId?: string | null;
  /** The OAuth client that did it, when one did. */
  actorClientId?: string | null;
  /** Why, in words: which rule of the policy the connection broke. */
  detail?: string;
}

/**
 * Tells the MCP servers, at once (NOTIFY, delivered at commit) and durably (the table their
 * periodic resync reads), that credentials are revoked: grant ids, or personal access token keys.
 * Each entry is kept until the last token it covers would have expired anyway.
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
  for (const { key } of entries) await notify(db, REVOCATION_CHANNEL, revocationPayload(key));
}

/**
 * The one way a connection ends, whatever starts it: its refresh tokens, codes and oidc-provider
 * grant are deleted here, the app leaves "Connected apps", every MCP server refuses its access
 * tokens within a second, and the workspace's audit log records who or what did it. Call it in
 * the transaction that causes it. Returns how many connected apps were revoked.
 */
export async function revokeGrants(
  tx: Executor,
  grantIds: readonly string[],
  cause: RevocationCause,
  { accessTokenTtl }: { accessTokenTtl: number },
): Promise<number> {
  if (grantIds.length === 0) return 0;
  const ids = [...new Set(grantIds)];
  await lockGrants(tx, ids);
  const revoked = await tx.delete(grants).where(inArray(grants.id, ids)).returning();
  await tx.delete(oidcModels).where(inArray(oidcModels.grantId, ids));
  const expiresAt = new Date(Date.now() + (accessTokenTtl + 60) * 1000);
  await announceRevocations(
    tx,
    ids.map((key) => ({ key, expiresAt })),
    cause.source,
  );
  const owners = revoked.length
    ? await tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(inArray(users.id, [...new Set(revoked.map((g) => g.userId))]))
    : [];
  const emailOf = new Map(owners.map((u) => [u.id, u.email]));
  for (const grant of revoked) {
    reportRevocation({
      source: cause.source,
      grantId: grant.id,
      clientId: grant.clientId,
      workspaceId: grant.workspaceId,
      userId: grant.userId,
      ...(cause.actorUserId ? { actorUserId: cause.actorUserId } : {}),
      ...(cause.detail ? { detail: cause.detail } : {}),
    });
    await recordAudit(tx, {
      workspaceId: grant.workspaceId,
      actorUserId: cause.actorUserId ?? null,
      actorClientId: cause.actorClientId ?? null,
      action: 'grant.revoked',
      target: `${grant.clientName ?? grant.clientId} (${grant.clientId}) of ${emailOf.get(grant.userId) ?? 'a removed user'}`,
      subjectUserId: grant.userId,
      clientId: grant.clientId,
      before: { scope: grant.scope },
      after: { source: cause.source, ...(cause.detail ? { detail: cause.detail } : {}) },
    });
  }
  return revoked.length;
}
