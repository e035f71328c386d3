import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export interface CookieScope {
  path: string;
  secure: boolean;
}

/** A short-lived, signed, httpOnly, SameSite=Lax cookie holding a small JSON value. */
export function setSignedJson(
  reply: FastifyReply,
  name: string,
  value: unknown,
  scope: CookieScope & { maxAge: number },
) {
  reply.setCookie(name, JSON.stringify(value), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: scope.path,
    secure: scope.secure,
    maxAge: scope.maxAge,
  });
}

export type Taken<T> = { status: 'ok'; value: T } | { status: 'missing' } | { status: 'tampered' };

/** Reads the cookie and clears it in the same answer: whatever it held can be used once. */
export function takeSignedJson<S extends z.ZodType>(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  schema: S,
  scope: CookieScope,
): Taken<z.output<S>> {
  const raw = request.cookies[name];
  if (raw === undefined) return { status: 'missing' };
  reply.clearCookie(name, { path: scope.path, secure: scope.secure, httpOnly: true, sameSite: 'lax' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return { status: 'tampered' };
  try {
    const parsed = schema.safeParse(JSON.parse(unsigned.value));
    return parsed.success ? { status: 'ok', value: parsed.data } : { status: 'tampered' };
  } catch {
    return { status: 'tampered' };
  }
}
