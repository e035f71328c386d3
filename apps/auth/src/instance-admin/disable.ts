import { type Database, eq, users } from '@enclavia/db';
import { z } from 'zod';
import type { User } from '../accounts.js';
import type { AuthConfig } from '../config.js';
import { disableUser } from '../disable-user.js';
import { InstanceAdminError } from './errors.js';

export const accountEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('enter the email address of an account'));

/** What POST /api/v1/users/disable takes. */
export const disableInput = z.strictObject({ email: accountEmail });

/** An instance admin is listed in INSTANCE_ADMINS; emails are compared as accounts store them. */
export function isInstanceAdmin(config: Pick<AuthConfig, 'instanceAdmins'>, user: User): boolean {
  return config.instanceAdmins.includes(user.email);
}

/** The account an instance admin asks to disable, before they confirm. */
export async function accountToDisable(db: Database, admin: User, email: string): Promise<string> {
  refuseSelf(admin, email);
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.email, email));
  if (!user) throw noSuchAccount(email);
  return user.email;
}

/** `disableUser`, done by an instance admin: audited as theirs, never on their own account. */
export async function disableAsInstanceAdmin(
  db: Database,
  { admin, email, accessTokenTtl }: { admin: User; email: string; accessTokenTtl: number },
): Promise<{ email: string; grants: number; tokens: number }> {
  refuseSelf(admin, email);
  const result = await disableUser(db, { email, accessTokenTtl, actorUserId: admin.id });
  if (!result) throw noSuchAccount(email);
  return { email, ...result };
}

// Locking oneself out would leave the instance without the admin who noticed the problem.
function refuseSelf(admin: User, email: string): void {
  if (email === admin.email) {
    throw new InstanceAdminError(
      409,
      'conflict',
      'You cannot disable your own account: another instance admin can, or an operator with pnpm disable-user.',
    );
  }
}

function noSuchAccount(email: string): InstanceAdminError {
  return new InstanceAdminError(404, 'not_found', `No user with the email ${email}.`);
}
