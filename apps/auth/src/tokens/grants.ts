import { and, type Database, desc, eq, grants, memberships, users, workspaces } from '@enclavia/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Provider } from 'oidc-provider';
import { revokeGrants } from '../revocation.js';
import { WorkspaceError } from '../workspaces/errors.js';

const columns = {
  id: grants.id,
  clientId: grants.clientId,
  clientName: grants.clientName,
  workspaceId: grants.workspaceId,
  workspace: workspaces.name,
  user: users.email,
  scope: grants.scope,
  createdAt: grants.createdAt,
  lastUsedAt: grants.lastUsedAt,
  /** `enterprise_idp`: connected through the workspace's company identity provider, not at consent. */
  via: grants.via,
};

/** The apps a user connected, in every workspace, newest first. */
export async function connectedAppsOf(db: Database, userId: string) {
  return db
    .select(columns)
    .from(grants)
    .innerJoin(workspaces, eq(workspaces.id, grants.workspaceId))
    .innerJoin(users, eq(users.id, grants.userId))
    .where(eq(grants.userId, userId))
    .orderBy(desc(grants.createdAt));
}

/** Every app connected to a workspace, by any member: what its admins see. */
export async function connectedAppsIn(db: Database, workspaceId: string) {
  return db
    .select(columns)
    .from(grants)
    .innerJoin(workspaces, eq(workspaces.id, grants.workspaceId))
    .innerJoin(users, eq(users.id, grants.userId))
    .where(eq(grants.workspaceId, workspaceId))
    .orderBy(desc(grants.createdAt));
}

/** Revokes a connected app: the user who connected it, or an admin of its workspace, may. */
export async function revokeConnectedApp(
  db: Database,
  { actorUserId, grantId, accessTokenTtl }: { actorUserId: string; grantId: string; accessTokenTtl: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [grant] = await tx.select().from(grants).where(eq(grants.id, grantId)).for('update');
    let allowed = grant?.userId === actorUserId;
    if (grant && !allowed) {
      const [membership] = await tx
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.userId, actorUserId), eq(memberships.workspaceId, grant.workspaceId)));
      allowed = membership?.role === 'admin';
    }
    if (!grant || !allowed) throw new WorkspaceError(404, 'not_found', 'No such connected app.');
    const source = grant.userId === actorUserId ? 'user' : 'admin';
    await revokeGrants(tx, [grant.id], { source, actorUserId }, { accessTokenTtl });
  });
}

/**
 * "Last used" of a connected app is when it last got an access token (at code exchange and at
 * refreshes): cheap, never a write per MCP request, and at most one write a minute per grant from
 * this process, so a client refreshing often costs no write per refresh.
 */
export function trackGrantUse(
  provider: Provider,
  db: Database,
  log: FastifyBaseLogger,
  { everyMs = 60_000, now = Date.now, max = 10_000 } = {},
): void {
  // Grant id → when this process last wrote it; oldest first.
  const written = new Map<string, number>();
  provider.on('access_token.issued', (token: { grantId?: string }) => {
    const { grantId } = token;
    if (!grantId) return;
    const at = now();
    const last = written.get(grantId);
    if (last !== undefined && at - last < everyMs) return;
    written.delete(grantId);
    written.set(grantId, at);
    if (written.size > max) written.delete(written.keys().next().value!);
    db.update(grants)
      .set({ lastUsedAt: new Date(at) })
      .where(eq(grants.id, grantId))
      .catch((error: unknown) => log.warn({ err: error }, 'could not record when a grant was last used'));
  });
}
