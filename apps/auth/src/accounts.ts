import {
  and,
  batched,
  type Database,
  eq,
  grants,
  identities,
  isNull,
  memberships,
  recordAudit,
  sql,
  textArray,
  users,
  workspaces,
} from '@enclavia/db';
import type { UpstreamIdentity } from './upstream/identity-provider.js';
import { acceptInvitations } from './workspaces/members.js';

/** A disabled account tried to sign in. */
export class AccountDisabledError extends Error {
  override name = 'AccountDisabledError';
  constructor() {
    super('This account is disabled.');
  }
}

export interface User {
  id: string;
  email: string;
}

export interface WorkspaceChoice {
  id: string;
  name: string;
  role: 'admin' | 'member';
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The user with this (verified) email, created on first sign-in together with a personal
 * workspace and the user's admin membership of it, all or nothing.
 */
async function userByEmail(tx: Transaction, email: string): Promise<User> {
  const [existing] = await tx
    .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, email));
  if (existing?.disabledAt) throw new AccountDisabledError();
  if (existing) return { id: existing.id, email: existing.email };

  const [created] = await tx.insert(users).values({ email }).onConflictDoNothing().returning();
  if (!created) {
    // A concurrent first sign-in of the same email won; it created the workspace too.
    const [winner] = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(eq(users.email, email));
    return winner!;
  }
  const [workspace] = await tx
    .insert(workspaces)
    .values({ name: `${email}'s workspace`, personalOwnerId: created.id })
    .returning();
  await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: created.id, role: 'admin' });
  return { id: created.id, email: created.email };
}

/** The development login: whoever types an email is that user. Never on in production by default. */
export async function signInWithEmail(db: Database, email: string): Promise<User> {
  return db.transaction(async (tx) => {
    const user = await userByEmail(tx, normalizeEmail(email));
    await acceptInvitations(tx, user);
    return user;
  });
}

/**
 * A sign-in through GitHub or Google. A known identity is its user; a new one joins the user
 * with the same verified email (one person, two providers), or creates that user. Providers only
 * hand us verified emails (see upstream/), so an unverified one never reaches an account.
 */
export async function signInWithIdentity(
  db: Database,
  identity: Pick<UpstreamIdentity, 'subject' | 'email'> & { provider: string },
): Promise<User> {
  const email = normalizeEmail(identity.email);
  return db.transaction(async (tx) => {
    const match = and(eq(identities.provider, identity.provider), eq(identities.subject, identity.subject));
    const [linked] = await tx
      .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(match);
    if (linked?.disabledAt) throw new AccountDisabledError();
    if (linked) {
      await tx.update(identities).set({ email, lastSignInAt: new Date() }).where(match);
      const user = { id: linked.id, email: linked.email };
      await acceptInvitations(tx, user);
      return user;
    }
    const user = await userByEmail(tx, email);
    await tx
      .insert(identities)
      .values({ provider: identity.provider, subject: identity.subject, userId: user.id, email })
      .onConflictDoNothing();
    await acceptInvitations(tx, user);
    return user;
  });
}

/** A user who may act: disabled users are not found, so their refresh tokens stop working too. */
export async function findUser(db: Database, id: string): Promise<User | undefined> {
  const [row] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)));
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `findUser` for oidc-provider, which asks at every token request: the lookups made together are
 * answered by one query (`batched`). An id that is not a user id is no user, not a failed query.
 */
export function usersById(db: Database): (id: string) => Promise<User | undefined> {
  // One text whatever the batch (the ids as one text[] parameter): built once, prepared once.
  const usersOf = db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(sql`${users.id} = any(${sql.placeholder('ids')}::text::uuid[])`, isNull(users.disabledAt)))
    .prepare('users_by_id');
  return batched(async (ids: string[]) => {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return new Map<string, User>();
    const rows = await usersOf.execute({ ids: textArray(valid) });
    return new Map(rows.map((row) => [row.id, row]));
  });
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

/** Binds an approved grant to its user and workspace, and records the approval in the audit log. */
export async function bindGrant(
  db: Database,
  binding: {
    grantId: string;
    userId: string;
    workspaceId: string;
    clientId: string;
    clientName: string;
    scope: string;
    redirectUri: string;
  },
): Promise<void> {
  const { grantId, ...rest } = binding;
  // Every consent saves a new grant, bound here once: its user and workspace never change, which is
  // what lets `grantIdentities` remember them.
  await db.transaction(async (tx) => {
    await tx.insert(grants).values({ id: grantId, ...rest });
    await recordAudit(tx, {
      workspaceId: rest.workspaceId,
      actorUserId: rest.userId,
      action: 'grant.approved',
      target: rest.clientName === rest.clientId ? rest.clientId : `${rest.clientName} (${rest.clientId})`,
      subjectUserId: rest.userId,
      clientId: rest.clientId,
      after: { scope: rest.scope, redirect_uri: rest.redirectUri },
    });
  });
}

export interface GrantIdentity {
  workspaceId: string;
  clientId: string;
  email: string;
}

/** What an access token of this grant says about who and where. */
export async function grantIdentity(db: Database, grantId: string): Promise<GrantIdentity | undefined> {
  const [row] = await db
    .select({ workspaceId: grants.workspaceId, clientId: grants.clientId, email: users.email })
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .where(eq(grants.id, grantId));
  return row;
}

export interface GrantIdentities {
  get(grantId: string): Promise<GrantIdentity | undefined>;
  /** What `get` found before, without asking the database: for oidc-provider's synchronous hooks. */
  peek(grantId: string): GrantIdentity | undefined;
}

/**
 * `grantIdentity`, remembered for up to `max` grants (when full, the one remembered longest is
 * forgotten): it is asked at every token the grant issues, and a grant's user, workspace and email
 * never change (a revoked grant issues no more tokens, so it need not be forgotten).
 */
export function grantIdentities(db: Database, max = 10_000): GrantIdentities {
  const known = new Map<string, GrantIdentity>();
  return {
    async get(grantId) {
      const remembered = known.get(grantId);
      if (remembered) return remembered;
      const identity = await grantIdentity(db, grantId);
      if (!identity) return undefined;
      if (known.size >= max) known.delete(known.keys().next().value!);
      known.set(grantId, identity);
      return identity;
    },
    peek: (grantId) => known.get(grantId),
  };
}
