import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'enclavia_csrf';

/**
 * Double-submit CSRF proof: a random token in a signed, httpOnly, SameSite=Lax cookie and the same
 * token in each form. A forged cross-site post has neither the cookie nor a way to read it.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readCookieToken(request);
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  reply.setCookie(COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure });
  return token;
}

export function isValidCsrf(
  request: FastifyRequest,
  submitted: string | undefined,
  expectedOrigin: string,
): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== expectedOrigin) return false;
  const expected = readCookieToken(request);
  if (!expected || !submitted) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookieToken(request: FastifyRequest): string | undefined {
  const raw = request.cookies[COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}
