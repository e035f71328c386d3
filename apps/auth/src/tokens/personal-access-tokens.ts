import { randomBytes } from 'node:crypto';
import {
  AUDIT_SCOPE,
  PERSONAL_ACCESS_TOKEN_PREFIX,
  POLICY_ERRORS,
  personalAccessTokenRevocationKey,
  SCOPES,
} from '@enclavia/contract';
import {
  and,
  type Database,
  desc,
  type Executor,
  eq,
  gt,
  hashSecret,
  isNull,
  memberships,
  personalAccessTokens,
  recordAudit,
  sql,
  workspaces,
} from '@enclavia/db';
import { z } from 'zod';
import { announceRevocations } from '../revocation.js';
import { WorkspaceError } from '../workspaces/errors.js';
import { getPolicy } from '../workspaces/policy.js';

export const EXPIRY_DAYS = [7, 30, 90, 365] as const;

export const createTokenInput = z
  .object({
    name: z.string().trim().min(1, 'give the token a name').max(100, 'a name is at most 100 characters'),
    workspace_id: z.uuid('workspace_id must be the id of one of your workspaces'),
    scopes: z
      .array(
        z.enum(SCOPES, {
          error: (i) => `unknown scope "${String(i.input)}"; the scopes are ${SCOPES.join(', ')}`,
        }),
      )
      .min(1, 'choose at least one scope'),
    expires_in_days: z
      .number({ error: `expires_in_days must be one of ${EXPIRY_DAYS.join(', ')}` })
      .refine((d) => (EXPIRY_DAYS as readonly number[]).includes(d), {
        error: `expires_in_days must be one of ${EXPIRY_DAYS.join(', ')}`,
      }),
  })
  .strict();
export type CreateTokenInput = z.output<typeof createTokenInput>;

/**
 * Makes a personal access token. The value is returned this once; only its hash and prefix are
 * kept. The scopes must be under the workspace's ceiling and the workspace must allow tokens.
 */
export async function createPersonalAccessToken(
  db: Database,
  { userId, input }: { userId: string; input: CreateTokenInput },
) {
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, input.workspace_id)));
    if (!member) throw new WorkspaceError(404, 'not_found', 'No such workspace.');
    const policy = await getPolicy(tx, input.workspace_id);
    if (!policy.mcpEnabled) {
      throw new WorkspaceError(
        409,
        'conflict',
        `${POLICY_ERRORS.disabled}: no personal access token can be made.`,
      );
    }
    if (!policy.personalAccessTokensEnabled) {
      throw new WorkspaceError(409, 'conflict', 'Personal access tokens are turned off in this workspace.');
    }
    if (input.scopes.includes(AUDIT_SCOPE) && member.role !== 'admin') {
      throw new WorkspaceError(
        400,
        'invalid_request',
        `Only admins of this workspace can have ${AUDIT_SCOPE}.`,
      );
    }
    const outside = input.scopes.filter((s) => !policy.scopeCeiling.includes(s));
    if (outside.length > 0) {
      throw new WorkspaceError(
        400,
        'invalid_request',
        `This workspace does not allow ${outside.join(', ')}.`,
      );
    }
    const token = `${PERSONAL_ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const [created] = await tx
      .insert(personalAccessTokens)
      .values({
        userId,
        workspaceId: input.workspace_id,
        name: input.name,
        prefix: token.slice(0, PERSONAL_ACCESS_TOKEN_PREFIX.length + 6),
        tokenHash: hashSecret(token),
        scope: SCOPES.filter((s) => input.scopes.includes(s)).join(' '),
        expiresAt: new Date(Date.now() + input.expires_in_days * 86_400_000),
      })
      .returning();
    await recordAudit(tx, {
      workspaceId: input.workspace_id,
      actorUserId: userId,
      action: 'token.created',
      target: `${created!.name} (${created!.prefix}…)`,
      after: { scope: created!.scope, expires_at: created!.expiresAt },
    });
    return { token, record: created! };
  });
}

/** A user's tokens that still work, newest first, with their workspace's name. */
export async function listPersonalAccessTokens(db: Database, userId: string) {
  return db
    .select({
      id: personalAccessTokens.id,
      name: personalAccessTokens.name,
      prefix: personalAccessTokens.prefix,
      workspaceId: personalAccessTokens.workspaceId,
      workspace: workspaces.name,
      scope: personalAccessTokens.scope,
      createdAt: personalAccessTokens.createdAt,
      expiresAt: personalAccessTokens.expiresAt,
      lastUsedAt: personalAccessTokens.lastUsedAt,
    })
    .from(personalAccessTokens)
    .innerJoin(workspaces, eq(workspaces.id, personalAccessTokens.workspaceId))
    .where(
      and(
        eq(personalAccessTokens.userId, userId),
        isNull(personalAccessTokens.revokedAt),
        gt(personalAccessTokens.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(personalAccessTokens.createdAt));
}

/** Revokes one token: its owner, or an admin of its workspace, may. Anyone else: not found. */
export async function revokePersonalAccessToken(
  db: Database,
  { actorUserId, id }: { actorUserId: string; id: string },
) {
  if (!z.uuid().safeParse(id).success) throw new WorkspaceError(404, 'not_found', 'No such token.');
  await db.transaction(async (tx) => {
    const [token] = await tx
      .select()
      .from(personalAccessTokens)
      .where(and(eq(personalAccessTokens.id, id), isNull(personalAccessTokens.revokedAt)))
      .for('update');
    const allowed =
      token && (token.userId === actorUserId || (await isAdmin(tx, actorUserId, token.workspaceId)));
    if (!token || !allowed) throw new WorkspaceError(404, 'not_found', 'No such token.');
    await revokeTokens(tx, [token], 'token revoked');
    await recordAudit(tx, {
      workspaceId: token.workspaceId,
      actorUserId,
      action: 'token.revoked',
      target: `${token.name} (${token.prefix}…)`,
    });
  });
}

/** Revokes the live tokens matching `filter` (a member removed, a user disabled, tokens turned off). */
export async function revokeTokensWhere(
  tx: Executor,
  filter: { workspaceId?: string; userId?: string },
  reason: string,
): Promise<number> {
  const live = await tx
    .select()
    .from(personalAccessTokens)
    .where(
      and(
        filter.workspaceId ? eq(personalAccessTokens.workspaceId, filter.workspaceId) : undefined,
        filter.userId ? eq(personalAccessTokens.userId, filter.userId) : undefined,
        isNull(personalAccessTokens.revokedAt),
        gt(personalAccessTokens.expiresAt, sql`now()`),
      ),
    );
  await revokeTokens(tx, live, reason);
  return live.length;
}

async function revokeTokens(
  tx: Executor,
  tokens: Array<typeof personalAccessTokens.$inferSelect>,
  reason: string,
) {
  for (const token of tokens) {
    await tx
      .update(personalAccessTokens)
      .set({ revokedAt: new Date() })
      .where(eq(personalAccessTokens.id, token.id));
  }
  await announceRevocations(
    tx,
    tokens.map((t) => ({ key: personalAccessTokenRevocationKey(t.id), expiresAt: t.expiresAt })),
    reason,
  );
}

async function isAdmin(tx: Executor, userId: string, workspaceId: string): Promise<boolean> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
  return row?.role === 'admin';
}
