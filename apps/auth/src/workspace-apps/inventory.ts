import type { WorkspacePolicy } from '@enclavia/access';
import { and, asc, type Executor, eq, grants, recordAudit, sql, users, workspaceClients } from '@enclavia/db';
import { type AppStatus, appStanding, firstContactStatus, type IdentifiedBy } from './standing.js';

export type AppRow = typeof workspaceClients.$inferSelect;

/** How many redirect URIs an app's entry remembers (the newest). */
const MAX_REDIRECT_URIS = 20;

export async function findApp(
  db: Executor,
  workspaceId: string,
  clientId: string,
): Promise<AppRow | undefined> {
  const [row] = await db
    .select()
    .from(workspaceClients)
    .where(and(eq(workspaceClients.workspaceId, workspaceId), eq(workspaceClients.clientId, clientId)));
  return row;
}

export interface Contact {
  workspaceId: string;
  clientId: string;
  clientName: string;
  identifiedBy: IdentifiedBy;
  /** Absent for a grant without a browser (enterprise). */
  redirectUri?: string;
  userId: string;
}

/**
 * Lists a client that asked to connect, once per workspace, or refreshes its entry (name, last
 * seen, redirect URIs). A client that is pending records who asked, and the first request of each
 * member goes to the audit log, where admins see it. Returns the entry and how the client stands.
 */
export async function recordContact(
  tx: Executor,
  policy: WorkspacePolicy,
  contact: Contact,
  /** An admin of the workspace connecting the app: one waiting for approval is approved by them. */
  { approvedBy }: { approvedBy?: string } = {},
): Promise<{ app: AppRow; standing: AppStatus }> {
  const { workspaceId, clientId } = contact;
  await tx
    .insert(workspaceClients)
    .values({
      workspaceId,
      clientId,
      clientName: contact.clientName,
      identifiedBy: contact.identifiedBy,
      redirectUris: contact.redirectUri ? [contact.redirectUri] : [],
      status: firstContactStatus(policy, clientId),
    })
    .onConflictDoNothing();
  const [before] = await tx
    .select()
    .from(workspaceClients)
    .where(and(eq(workspaceClients.workspaceId, workspaceId), eq(workspaceClients.clientId, clientId)))
    .for('update');
  const standingNow = appStanding(policy, before!, clientId);
  const pending = standingNow === 'pending';
  const approvedNow = pending && approvedBy !== undefined;
  const requestedNow = pending && !approvedNow && before!.requestedBy !== contact.userId;
  const [app] = await tx
    .update(workspaceClients)
    .set({
      clientName: contact.clientName,
      redirectUris: withNewest(before!.redirectUris, contact.redirectUri),
      lastSeenAt: sql`now()`,
      ...(requestedNow ? { requestedBy: contact.userId } : {}),
      ...(approvedNow ? { status: 'approved' as const, decidedBy: approvedBy, decidedAt: sql`now()` } : {}),
      // Let in while it waited (the workspace stopped asking): listed as approved from now on.
      ...(before!.status === 'pending' && !pending && standingNow === 'approved'
        ? { status: 'approved' as const }
        : {}),
    })
    .where(and(eq(workspaceClients.workspaceId, workspaceId), eq(workspaceClients.clientId, clientId)))
    .returning();
  if (requestedNow) {
    await recordAudit(tx, {
      workspaceId,
      actorUserId: contact.userId,
      subjectUserId: contact.userId,
      clientId,
      action: 'client.requested',
      target: appLabel(app!),
    });
  }
  if (approvedNow) {
    await recordAudit(tx, {
      workspaceId,
      actorUserId: approvedBy,
      clientId,
      action: 'client.approved',
      target: appLabel(app!),
      before: { status: 'pending' },
      after: { status: 'approved' },
    });
  }
  return { app: app!, standing: appStanding(policy, app!, clientId) };
}

function withNewest(uris: string[], uri: string | undefined): string[] {
  if (!uri) return uris;
  return [...uris.filter((u) => u !== uri), uri].slice(-MAX_REDIRECT_URIS);
}

/** How the audit log names an app: its name, and the client ID that proves which one. */
export function appLabel(app: Pick<AppRow, 'clientName' | 'clientId'>): string {
  return app.clientName === app.clientId ? app.clientId : `${app.clientName} (${app.clientId})`;
}

export interface AppUser {
  userId: string;
  email: string;
  connections: number;
}

export interface ListedApp extends AppRow {
  /** How it stands now under the policy (an allowlist can block an app listed as approved). */
  standing: AppStatus;
  users: AppUser[];
  requestedByEmail: string | null;
}

/** The workspace's apps, pending first, then by name, with who uses each and how much. */
export async function listApps(
  db: Executor,
  workspaceId: string,
  policy: WorkspacePolicy,
): Promise<ListedApp[]> {
  const [apps, usage, requesters] = await Promise.all([
    db
      .select()
      .from(workspaceClients)
      .where(eq(workspaceClients.workspaceId, workspaceId))
      .orderBy(asc(workspaceClients.clientName)),
    db
      .select({
        clientId: grants.clientId,
        userId: grants.userId,
        email: users.email,
        connections: sql<number>`count(*)::int`,
        lastUsed: sql<Date | null>`max(coalesce(${grants.lastUsedAt}, ${grants.createdAt}))`,
      })
      .from(grants)
      .innerJoin(users, eq(users.id, grants.userId))
      .where(eq(grants.workspaceId, workspaceId))
      .groupBy(grants.clientId, grants.userId, users.email)
      .orderBy(asc(users.email)),
    db
      .select({ id: users.id, email: users.email })
      .from(workspaceClients)
      .innerJoin(users, eq(users.id, workspaceClients.requestedBy))
      .where(eq(workspaceClients.workspaceId, workspaceId)),
  ]);
  const emailOf = new Map(requesters.map((r) => [r.id, r.email]));
  const rank: Record<AppStatus, number> = { pending: 0, approved: 1, blocked: 2 };
  return apps
    .map((app) => {
      const used = usage.filter((u) => u.clientId === app.clientId);
      const lastUsed = new Date(
        Math.max(
          app.lastSeenAt.getTime(),
          ...used.map((u) => (u.lastUsed ? new Date(u.lastUsed).getTime() : 0)),
        ),
      );
      return {
        ...app,
        lastSeenAt: lastUsed,
        standing: appStanding(policy, app, app.clientId),
        users: used.map(({ userId, email, connections }) => ({ userId, email, connections })),
        requestedByEmail: app.requestedBy ? (emailOf.get(app.requestedBy) ?? null) : null,
      };
    })
    .sort((a, b) => rank[a.standing] - rank[b.standing]);
}
