import type { WorkspacePolicy } from '@enclavia/access';
import { and, type Database, eq, identities, memberships, recordAudit, users } from '@enclavia/db';
import { AccountDisabledError, signInWithIdentity, type User } from '../accounts.js';
import { type IdJagClaims, IdJagRefused } from './id-jag.js';

export interface EnterpriseMember {
  user: User;
  role: 'admin' | 'member';
}

/**
 * The member of the trusting workspace an ID-JAG speaks for. Its subject is an identity at the
 * issuer (issuer + `sub`, stored like a GitHub or Google one); the first time, it is linked to the
 * user with the same verified email. The user must be a member of the workspace, unless the
 * workspace lets the issuer add members (just-in-time membership), and their email of the
 * workspace's domain when it names one.
 */
export async function enterpriseMember(
  db: Database,
  { claims, workspaceId, policy }: { claims: IdJagClaims; workspaceId: string; policy: WorkspacePolicy },
): Promise<EnterpriseMember> {
  const refuse = (rule: string, message: string) => new IdJagRefused(rule, message, workspaceId);
  const user = await linkedOrLinkableUser(db, claims, policy.enterpriseJitMembership, refuse);
  const domain = policy.enterpriseEmailDomain;
  if (domain && !user.email.endsWith(`@${domain}`))
    throw refuse('email_domain', `only ${domain} accounts may connect through this identity provider`);
  const [membership] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, user.id)));
  if (membership) return { user, role: membership.role };
  if (!policy.enterpriseJitMembership)
    throw refuse('member', 'the user is not a member of the workspace that trusts this identity provider');
  await db.transaction(async (tx) => {
    await tx
      .insert(memberships)
      .values({ workspaceId, userId: user.id, role: 'member' })
      .onConflictDoNothing();
    await recordAudit(tx, {
      workspaceId,
      actorUserId: user.id,
      action: 'member.joined_enterprise',
      target: user.email,
      subjectUserId: user.id,
      after: { role: 'member', issuer: claims.iss },
    });
  });
  return { user, role: 'member' };
}

async function linkedOrLinkableUser(
  db: Database,
  claims: IdJagClaims,
  justInTime: boolean,
  refuse: (rule: string, message: string) => IdJagRefused,
): Promise<User> {
  const [linked] = await db
    .select({ id: users.id, email: users.email, disabledAt: users.disabledAt })
    .from(identities)
    .innerJoin(users, eq(users.id, identities.userId))
    .where(and(eq(identities.provider, claims.iss), eq(identities.subject, claims.sub)));
  if (linked?.disabledAt) throw refuse('disabled', 'the account is disabled');
  if (linked) return { id: linked.id, email: linked.email };

  // Linking by email needs one the IdP vouches for.
  if (!claims.email || claims.email_verified === false)
    throw refuse('subject', 'the ID-JAG names an unknown subject and no verified email to link it by');
  const email = claims.email.trim().toLowerCase();
  const [known] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!known && !justInTime)
    throw refuse('member', 'the user is not a member of the workspace that trusts this identity provider');
  try {
    return await signInWithIdentity(db, { provider: claims.iss, subject: claims.sub, email });
  } catch (error) {
    if (error instanceof AccountDisabledError) throw refuse('disabled', 'the account is disabled');
    throw error;
  }
}
