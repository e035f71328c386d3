import { announceAppLimits, appLimitsOf, readPolicy, type WorkspacePolicy } from '@enclavia/access';
import { SCOPES } from '@enclavia/contract';
import { and, type Database, eq, grants, recordAudit, sql, workspaceClients } from '@enclavia/db';
import { z } from 'zod';
import { revokeGrants } from '../revocation.js';
import { WorkspaceError } from '../workspaces/errors.js';
import { lifetime, type ServerLifetimes, scope } from '../workspaces/policy.js';
import { type AppRow, appLabel, findApp } from './inventory.js';
import { appStanding } from './standing.js';

/** An admin's decision about one app, as the API and the Apps page submit it. Absent fields stay. */
export const appChange = z
  .object({
    status: z.enum(['approved', 'blocked'], {
      error: (i) =>
        i.input === 'pending'
          ? 'an app cannot be put back to pending: approve it or block it'
          : 'status is "approved" or "blocked"',
    }),
    // Null: the workspace's ceiling.
    scope_ceiling: z
      .array(scope)
      .min(1, 'the scope ceiling cannot be empty: leave at least one scope, or block the app')
      .transform((s) => SCOPES.filter((known) => s.includes(known)))
      .nullable(),
    access_token_ttl: lifetime('access_token_ttl', "the workspace's"),
    refresh_token_ttl: lifetime('refresh_token_ttl', "the workspace's"),
  })
  .partial()
  .strict();
export type AppChange = z.output<typeof appChange>;

/**
 * Applies an admin's decision in one transaction: blocking revokes the app's connections in the
 * workspace (their refresh tokens fail at once, their access tokens at every MCP server within a
 * second); its own limits are told to every server when it commits, so a narrower ceiling binds
 * live connections too. Everything is audited.
 */
export async function updateApp(
  db: Database,
  {
    actorUserId,
    workspaceId,
    clientId,
    change,
    server,
  }: {
    actorUserId: string;
    workspaceId: string;
    clientId: string;
    change: AppChange;
    server: ServerLifetimes;
  },
): Promise<{ app: AppRow; revokedConnections: number }> {
  return db.transaction(async (tx) => {
    const policy = await readPolicy(tx, workspaceId);
    const before = await findApp(tx, workspaceId, clientId);
    if (!before) throw appNotFound(clientId);
    assertWithinWorkspace(change, policy, server);
    if (
      change.status === 'approved' &&
      appStanding(policy, { ...before, status: 'approved', decidedAt: new Date() }, clientId) !== 'approved'
    ) {
      throw new WorkspaceError(
        409,
        'conflict',
        `This workspace allows only the client IDs on its list (Allowed OAuth client IDs), and ${clientId} is not on it: add it there to approve it.`,
      );
    }
    // An admin confirming what the policy gave at first contact decides it too: it then outlasts the allowlist.
    const decided =
      change.status !== undefined && (change.status !== before.status || before.decidedAt === null);
    const [after] = await tx
      .update(workspaceClients)
      .set({
        ...(change.status ? { status: change.status, decidedBy: actorUserId, decidedAt: sql`now()` } : {}),
        ...(change.scope_ceiling !== undefined ? { scopeCeiling: change.scope_ceiling } : {}),
        ...(change.access_token_ttl !== undefined ? { accessTokenTtl: change.access_token_ttl } : {}),
        ...(change.refresh_token_ttl !== undefined ? { refreshTokenTtl: change.refresh_token_ttl } : {}),
      })
      .where(and(eq(workspaceClients.workspaceId, workspaceId), eq(workspaceClients.clientId, clientId)))
      .returning();
    const audit = { workspaceId, actorUserId, clientId, target: appLabel(after!) };
    if (decided) {
      await recordAudit(tx, {
        ...audit,
        action: `client.${change.status}`,
        before: { status: before.status },
        after: { status: change.status },
      });
    }
    const limitsBefore = limitsJson(before);
    const limitsAfter = limitsJson(after!);
    if (JSON.stringify(limitsBefore) !== JSON.stringify(limitsAfter)) {
      await recordAudit(tx, {
        ...audit,
        action: 'client.limits_updated',
        before: limitsBefore,
        after: limitsAfter,
      });
      await announceAppLimits(tx, workspaceId, clientId, appLimitsOf(after!) ?? null);
    }
    let revokedConnections = 0;
    if (change.status === 'blocked') {
      const held = await tx
        .select({ id: grants.id })
        .from(grants)
        .where(and(eq(grants.workspaceId, workspaceId), eq(grants.clientId, clientId)));
      revokedConnections = await revokeGrants(
        tx,
        held.map((g) => g.id),
        { source: 'policy', actorUserId, detail: 'app blocked in the workspace' },
        { accessTokenTtl: server.accessToken },
      );
    }
    return { app: after!, revokedConnections };
  });
}

/** An app's own limits never go beyond the workspace's. */
function assertWithinWorkspace(change: AppChange, policy: WorkspacePolicy, server: ServerLifetimes): void {
  const above = change.scope_ceiling?.filter((s) => !policy.scopeCeiling.includes(s)) ?? [];
  if (above.length > 0) {
    throw new WorkspaceError(
      400,
      'invalid_request',
      `scope_ceiling: ${above.join(', ')} ${above.length === 1 ? 'is' : 'are'} above the workspace's scope ceiling (${policy.scopeCeiling.join(', ')}); an app's ceiling can only be narrower.`,
    );
  }
  for (const [field, value, max] of [
    ['access_token_ttl', change.access_token_ttl, policy.accessTokenTtl ?? server.accessToken],
    ['refresh_token_ttl', change.refresh_token_ttl, policy.refreshTokenTtl ?? server.refreshToken],
  ] as const) {
    if (value != null && value > max) {
      throw new WorkspaceError(
        400,
        'invalid_request',
        `${field} can be at most ${max} seconds, the workspace's own lifetime.`,
      );
    }
  }
}

function limitsJson(app: AppRow) {
  return {
    scope_ceiling: app.scopeCeiling,
    access_token_ttl: app.accessTokenTtl,
    refresh_token_ttl: app.refreshTokenTtl,
  };
}

export function appNotFound(clientId: string): WorkspaceError {
  return new WorkspaceError(
    404,
    'not_found',
    `No app with client ID ${clientId} has asked to connect to this workspace.`,
  );
}
