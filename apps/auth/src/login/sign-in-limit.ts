import { createFailureLimiter } from '@enclavia/access';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Limit } from '../config.js';
import { errorPage, sendPage } from '../web/page.js';

/**
 * Where a sign-in is decided: the development login (dashboard and OAuth sign-in page) and the
 * callbacks of GitHub and Google. A 4xx there is a failed attempt: an invalid email, a disabled
 * account, a forged or replayed `state`, a sign-in the provider refused.
 */
const SIGN_IN_ROUTES = new Set([
  'POST /login/dev',
  'POST /interaction/:uid/login',
  'GET /login/:provider/callback',
]);

const isSignIn = (request: FastifyRequest) =>
  SIGN_IN_ROUTES.has(`${request.method} ${request.routeOptions.url}`);

/**
 * Closes sign-in to a client address after `limit.max` failed attempts in a window, until the
 * window ends, so accounts and `state` values cannot be tried at speed. Successful sign-ins never
 * count, so an office behind one address signs in as often as it likes; an upstream provider that
 * is down (5xx) is nobody's failed attempt.
 */
export function limitFailedSignIns(app: FastifyInstance, limit: Limit): void {
  const failures = createFailureLimiter(limit);

  app.addHook('onRequest', async (request, reply) => {
    if (!isSignIn(request)) return;
    const verdict = failures.check(request.ip);
    if (verdict.allowed) return;
    reply.header('retry-after', String(verdict.retryAfter));
    const page = errorPage(
      'Too many failed sign-ins',
      `Too many sign-in attempts from this address failed. Try again in ${verdict.retryAfter} seconds.`,
      'If you were connecting an app, go back to it and start again then.',
    );
    return sendPage(reply, page, 429);
  });

  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    if (isSignIn(request) && status >= 400 && status < 500 && status !== 429) failures.fail(request.ip);
  });
}
