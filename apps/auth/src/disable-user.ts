import { type Database, eq, grants, memberships, recordAudit, users, webSessions } from '@enclavia/db';
import { revokeGrants } from './revocation.js';
import { revokeTokensWhere } from './tokens/personal-access-tokens.js';

export interface DisableUserInput {
  email: string;
  accessTokenTtl: number;
  /** The instance admin who did it, for the audit log; null for an operator's command. */
  actorUserId?: string | null;
}

/**
 * Disables a user: they cannot sign in any more, their browser sessions end, and every connected
 * app and personal access token they hold is revoked (refused by the MCP servers within a second).
 */
export async function disableUser(
  db: Database,
  { email, accessTokenTtl, actorUserId = null }: DisableUserInput,
): Promise<{ grants: number; tokens: number } | undefined> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ disabledAt: new Date() })
      .where(eq(users.email, email.trim().toLowerCase()))
      .returning();
    if (!user) return undefined;
    const held = await tx.select({ id: grants.id }).from(grants).where(eq(grants.userId, user.id));
    await revokeGrants(
      tx,
      held.map((g) => g.id),
      { source: 'user_disabled' },
      { accessTokenTtl },
    );
    const tokens = await revokeTokensWhere(tx, { userId: user.id }, 'user disabled');
    await tx.delete(webSessions).where(eq(webSessions.userId, user.id));
    const workspaces = await tx
      .select({ id: memberships.workspaceId })
      .from(memberships)
      .where(eq(memberships.userId, user.id));
    for (const { id } of workspaces) {
      await recordAudit(tx, {
        workspaceId: id,
        actorUserId,
        action: 'user.disabled',
        target: user.email,
      });
    }
    return { grants: held.length, tokens };
  });
}
