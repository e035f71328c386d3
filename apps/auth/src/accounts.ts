import { type Database, eq, grants, memberships, users, workspaces } from '@enclavia/db';

export interface User {
  id: string;
  email: string;
}

export interface WorkspaceChoice {
  id: string;
  name: string;
  role: 'admin' | 'member';
}

/**
 * Signs a user in by a verified email. The first sign-in creates the user, a personal workspace,
 * and the user's admin membership of it, all or nothing.
 */
export async function signInWithEmail(db: Database, rawEmail: string): Promise<User> {
  const email = rawEmail.trim().toLowerCase();
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(users).where(eq(users.email, email));
    if (existing) return { id: existing.id, email: existing.email };

    const [created] = await tx.insert(users).values({ email }).onConflictDoNothing().returning();
    if (!created) {
      // Another sign-in of the same email won the race; it created the workspace too.
      const [winner] = await tx.select().from(users).where(eq(users.email, email));
      return { id: winner!.id, email: winner!.email };
    }
    const [workspace] = await tx
      .insert(workspaces)
      .values({ name: `${email}'s workspace`, personalOwnerId: created.id })
      .returning();
    await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: created.id, role: 'admin' });
    return { id: created.id, email: created.email };
  });
}

export async function findUser(db: Database, id: string): Promise<User | undefined> {
  const [row] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, id));
  return row;
}

/** The workspaces a user may bind a grant to, the personal one first. */
export async function workspacesOf(db: Database, userId: string): Promise<WorkspaceChoice[]> {
  const rows = await db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      role: memberships.role,
      personalOwnerId: workspaces.personalOwnerId,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId));
  return rows
    .sort(
      (a, b) =>
        Number(b.personalOwnerId === userId) - Number(a.personalOwnerId === userId) ||
        a.name.localeCompare(b.name),
    )
    .map(({ id, name, role }) => ({ id, name, role }));
}

export async function bindGrant(
  db: Database,
  binding: { grantId: string; userId: string; workspaceId: string; clientId: string; scope: string },
): Promise<void> {
  const { grantId, ...rest } = binding;
  await db
    .insert(grants)
    .values({ id: grantId, ...rest })
    .onConflictDoUpdate({ target: grants.id, set: { workspaceId: rest.workspaceId, scope: rest.scope } });
}

/** What an access token of this grant says about who and where. */
export async function grantIdentity(
  db: Database,
  grantId: string,
): Promise<{ workspaceId: string; email: string } | undefined> {
  const [row] = await db
    .select({ workspaceId: grants.workspaceId, email: users.email })
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .where(eq(grants.id, grantId));
  return row;
}
