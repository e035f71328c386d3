import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { setSignedJson, type Taken, takeSignedJson } from '../web/signed-cookie.js';

/**
 * The upstream login's result travels from `/login/:provider/callback` to the interaction in a
 * signed cookie scoped to that interaction's path, alive for a minute and read once.
 */
const COOKIE = 'enclavia_login';
const schema = z.object({ uid: z.string(), userId: z.uuid() });

export function handUpstreamLogin(reply: FastifyReply, value: z.infer<typeof schema>, secure: boolean): void {
  setSignedJson(reply, COOKIE, value, { path: `/interaction/${value.uid}`, secure, maxAge: 60 });
}

export function takeUpstreamLogin(
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
  secure: boolean,
): Taken<z.infer<typeof schema>> {
  return takeSignedJson(request, reply, COOKIE, schema, { path: `/interaction/${uid}`, secure });
}
