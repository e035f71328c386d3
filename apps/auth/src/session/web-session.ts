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

/**
 * Where `return_to` is resolved: any origin of ours would do, since only a path on it is kept. A
 * value that resolves elsewhere (`//evil.example`, `https://evil.example`, `javascript:`) is not ours.
 */
const OWN_ORIGIN = 'http://return-to.invalid';

/**
 * C0 controls, space and DEL: a browser drops tabs and newlines while parsing, so `/\t/evil.example`
 * is `//evil.example`, and CR/LF in `Location` is a header injection.
 */
function hasControlOrSpace(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f);
}

/** A backslash (a browser reads it as `/`), or controls and backslash percent-encoded. */
const UNSAFE_IN_RETURN_TO = /\\|%(?:[01][0-9a-f]|7f|5c)|^\/%2f/i;

/**
 * A path of ours to return to after signing in: `return_to` resolved as a browser would, kept only
 * when it stays on our origin, and then only its path and query; anything else is the dashboard.
 */
export function safeReturnTo(value: unknown): string {
  const fallback = '/dashboard';
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2000) return fallback;
  if (hasControlOrSpace(value) || UNSAFE_IN_RETURN_TO.test(value)) return fallback;
  const url = URL.parse(value, OWN_ORIGIN);
  if (!url || url.origin !== OWN_ORIGIN) return fallback;
  return `${url.pathname}${url.search}`;
}
