import type { Database } from '@enclavia/db';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { User } from '../accounts.js';
import { sessionUser } from './web-session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user of the dashboard, admin pages and API; set by `requireUser`. */
    user?: User;
  }
}

/** Lets only signed-in users through; `onMissing` answers everyone else. */
export function requireUser(
  db: Database,
  onMissing: (request: FastifyRequest, reply: FastifyReply) => unknown,
): preHandlerAsyncHookHandler {
  return async function signedIn(request, reply) {
    const user = await sessionUser(db, request);
    if (!user) return onMissing(request, reply);
    request.user = user;
  };
}
