import { randomBytes } from 'node:crypto';
import { and, type Database, eq, gt, hashSecret, isNull, sql, users, webSessions } from '@enclavia/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts.js';

const COOKIE = 'enclavia_session';
const LIFETIME_SECONDS = 12 * 60 * 60;

/**
 * The browser session of the dashboard and admin pages (oidc-provider keeps its own for OAuth).
 * The cookie holds a random token; the database only its hash.
 */
export async function startWebSession(
  db: Database,
  reply: FastifyReply,
  userId: string,
  secure: boolean,
): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(webSessions).values({
    id: hashSecret(token),
    userId,
    expiresAt: new Date(Date.now() + LIFETIME_SECONDS * 1000),
  });
  reply.setCookie(COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
    maxAge: LIFETIME_SECONDS,
  });
}

export async function sessionUser(db: Database, request: FastifyRequest): Promise<User | undefined> {
  const token = request.cookies[COOKIE];
  if (!token) return undefined;
  const [row] = await db
    .select({ id: users.id, email: users.email })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(
      and(
        eq(webSessions.id, hashSecret(token)),
        gt(webSessions.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    );
  return row;
}

export async function endWebSession(
  db: Database,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const token = request.cookies[COOKIE];
  if (token) await db.delete(webSessions).where(eq(webSessions.id, hashSecret(token)));
  reply.clearCookie(COOKIE, { path: '/' });
}

/** A same-site path to return to after signing in; anything else goes to the dashboard. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.includes('\\')
    ? value
    : '/dashboard';
}
