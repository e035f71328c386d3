import type { Database } from '@enclavia/db';
import type { FastifyError, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { InstanceAdminError } from '../instance-admin/errors.js';
import { requireUser } from '../session/require-user.js';
import { isValidCsrf } from '../web/csrf.js';
import { WorkspaceError } from '../workspaces/index.js';

/** /api/v1 answers only the signed-in browser session. */
export function apiSignIn(db: Database): preHandlerAsyncHookHandler {
  return requireUser(db, (_request, reply) =>
    reply.status(401).send({ error: 'unauthorized', message: 'Sign in first: open /login in this browser.' }),
  );
}

/** Every change carries the `X-CSRF-Token` header, with the `csrf_token` of GET /api/v1/session. */
export function apiCsrf(origin: string): preHandlerAsyncHookHandler {
  return async function csrfChecked(request, reply) {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const header = request.headers['x-csrf-token'];
    if (!isValidCsrf(request, typeof header === 'string' ? header : undefined, origin)) {
      return reply.status(403).send({
        error: 'csrf_failed',
        message: 'Send the X-CSRF-Token header with the csrf_token from GET /api/v1/session.',
      });
    }
  };
}

/** The one place errors of /api/v1 become responses. */
export function sendApiError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof WorkspaceError || error instanceof InstanceAdminError)
    return reply.status(error.status).send({ error: error.code, message: error.message });
  if (error instanceof z.ZodError) {
    return reply.status(400).send({
      error: 'invalid_request',
      message: error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; '),
      issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) {
    return reply.status(status).send({ error: 'invalid_request', message: error.message });
  }
  request.log.error({ err: error }, 'api request failed');
  return reply.status(500).send({ error: 'server_error', message: 'Something went wrong.' });
}
