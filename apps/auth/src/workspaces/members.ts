import {
  and,
  type Database,
  type Executor,
  eq,
  grants,
  invitations,
  memberships,
  recordAudit,
  sql,
  users,
} from '@enclavia/db';
import { z } from 'zod';
import { revokeGrants } from '../revocation.js';
import { revokeTokensWhere } from '../tokens/personal-access-tokens.js';
import { WorkspaceError } from './errors.js';

export type Role = 'admin' | 'member';

export const inviteInput = z
  .object({
    email: z
      .email('enter a valid email address')
      .max(254)
      .transform((e) => e.trim().toLowerCase()),
    role: z.enum(['admin', 'member'], { error: 'role must be "admin" or "member"' }).default('member'),
  })
  .strict();
export const roleInput = z
  .object({ role: z.enum(['admin', 'member'], { error: 'role must be "admin" or "member"' }) })
  .strict();

export async function listMembers(db: Database, workspaceId: string) {
  const [members, pending] = await Promise.all([
    db
      .select({ userId: users.id, email: users.email, role: memberships.role, since: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, workspaceId))
      .orderBy(users.email),
    db
      .select({ email: invitations.email, role: invitations.role, since: invitations.createdAt })
      .from(invitations)
      .where(eq(invitations.workspaceId, workspaceId))
      .orderBy(invitations.email),
  ]);
  return { members, invitations: pending };
}

/**
 * Invites by email. Someone who already has an account joins at once; anyone else when they
 * first sign in with that (verified) email.
 */
export async function inviteMember(
  db: Database,
  {
    actorUserId,
    workspaceId,
    email,
    role,
  }: { actorUserId: string; workspaceId: string; email: string; role: Role },
): Promise<'added' | 'invited'> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (user) {
      const [added] = await tx
        .insert(memberships)
        .values({ workspaceId, userId: user.id, role })
        .onConflictDoNothing()
        .returning();
      if (!added)
        throw new WorkspaceError(409, 'conflict', `${email} is already a member of this workspace.`);
      await recordAudit(tx, {
        workspaceId,
        actorUserId,
        action: 'member.added',
        target: email,
        after: { role },
      });
      return 'added';
    }
    const [before] = await tx
      .select({ role: invitations.role })
      .from(invitations)
      .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.email, email)));
    await tx
      .insert(invitations)
      .values({ workspaceId, email, role, invitedBy: actorUserId })
      .onConflictDoUpdate({ target: [invitations.workspaceId, invitations.email], set: { role } });
    await recordAudit(tx, {
      workspaceId,
      actorUserId,
      action: 'member.invited',
      target: email,
      before: before ?? null,
      after: { role },
    });
    return 'invited';
  });
}

export async function cancelInvitation(
  db: Database,
  { actorUserId, workspaceId, email }: { actorUserId: string; workspaceId: string; email: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(invitations)
      .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.email, email.trim().toLowerCase())))
      .returning();
    if (!removed) throw new WorkspaceError(404, 'not_found', 'No such invitation.');
    await recordAudit(tx, {
      workspaceId,
      actorUserId,
      action: 'invitation.cancelled',
      target: removed.email,
      before: { role: removed.role },
    });
  });
}

export async function changeRole(
  db: Database,
  {
    actorUserId,
    workspaceId,
    userId,
    role,
  }: { actorUserId: string; workspaceId: string; userId: string; role: Role },
): Promise<void> {
  await db.transaction(async (tx) => {
    const member = await lockedMember(tx, workspaceId, userId);
    if (member.role === role) return;
    if (member.role === 'admin') await assertAnotherAdmin(tx, workspaceId, userId);
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    await recordAudit(tx, {
      workspaceId,
      actorUserId,
      action: 'member.role_changed',
      target: member.email,
      before: { role: member.role },
      after: { role },
    });
  });
}

/** Removes a member and revokes every grant, and so every token, they hold for this workspace. */
export async function removeMember(
  db: Database,
  {
    actorUserId,
    workspaceId,
    userId,
    accessTokenTtl,
  }: { actorUserId: string; workspaceId: string; userId: string; accessTokenTtl: number },
): Promise<void> {
  await db.transaction(async (tx) => {
    const member = await lockedMember(tx, workspaceId, userId);
    if (member.role === 'admin') await assertAnotherAdmin(tx, workspaceId, userId);
    await tx
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    const held = await tx
      .select({ id: grants.id })
      .from(grants)
      .where(and(eq(grants.workspaceId, workspaceId), eq(grants.userId, userId)));
    await revokeGrants(
      tx,
      held.map((g) => g.id),
      { source: 'member_removed', actorUserId },
      { accessTokenTtl },
    );
    const tokens = await revokeTokensWhere(tx, { workspaceId, userId }, 'member removed');
    await recordAudit(tx, {
      workspaceId,
      actorUserId,
      action: 'member.removed',
      target: member.email,
      before: { role: member.role },
      after: { revoked_grants: held.length, revoked_tokens: tokens },
    });
  });
}

/** Turns the invitations waiting for this email into memberships. Runs at every sign-in. */
export async function acceptInvitations(tx: Executor, user: { id: string; email: string }): Promise<void> {
  const waiting = await tx.delete(invitations).where(eq(invitations.email, user.email)).returning();
  for (const invitation of waiting) {
    await tx
      .insert(memberships)
      .values({ workspaceId: invitation.workspaceId, userId: user.id, role: invitation.role })
      .onConflictDoNothing();
    await recordAudit(tx, {
      workspaceId: invitation.workspaceId,
      actorUserId: user.id,
      action: 'member.joined',
      target: user.email,
      after: { role: invitation.role },
    });
  }
}

async function lockedMember(tx: Executor, workspaceId: string, userId: string) {
  if (!z.uuid().safeParse(userId).success) throw new WorkspaceError(404, 'not_found', 'No such member.');
  // Lock the workspace's memberships: two admins demoting each other at once must not both win.
  const rows = await tx
    .select({ userId: memberships.userId, role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .for('update', { of: memberships });
  const member = rows.find((r) => r.userId === userId);
  if (!member) throw new WorkspaceError(404, 'not_found', 'No such member.');
  return member;
}

async function assertAnotherAdmin(tx: Executor, workspaceId: string, userId: string): Promise<void> {
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, 'admin'),
        sql`${memberships.userId} <> ${userId}`,
      ),
    );
  if ((row?.count ?? 0) === 0) {
    throw new WorkspaceError(409, 'conflict', 'A workspace must keep at least one admin.');
  }
}
