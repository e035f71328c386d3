import { and, type Database, eq, memberships, workspaces } from '@enclavia/db';
import { z } from 'zod';
import { workspaceNotFound } from './errors.js';

export interface AdminWorkspace {
  id: string;
  name: string;
}

/**
 * The workspace, if `userId` administers it. Anything else (a malformed id, another workspace,
 * a workspace where the user is only a member) is "not found": no hint that it exists.
 */
export async function adminWorkspace(
  db: Database,
  userId: string,
  workspaceId: string,
): Promise<AdminWorkspace> {
  if (!z.uuid().safeParse(workspaceId).success) throw workspaceNotFound();
  const [row] = await db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, 'admin'),
      ),
    );
  if (!row) throw workspaceNotFound();
  return row;
}

export async function adminWorkspacesOf(db: Database, userId: string): Promise<AdminWorkspace[]> {
  return db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'admin')))
    .orderBy(workspaces.name);
}
