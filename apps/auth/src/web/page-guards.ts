import type { Database } from '@enclavia/db';
import type { preHandlerAsyncHookHandler } from 'fastify';
import { requireUser } from '../session/require-user.js';
import { isValidCsrf } from './csrf.js';
import { errorPage, sendPage } from './page.js';

/** For pages of signed-in users: anyone else is sent to sign in, and back here after. */
export function signInFirst(db: Database): preHandlerAsyncHookHandler {
  return requireUser(db, (request, reply) =>
    reply.redirect(`/login?return_to=${encodeURIComponent(request.url)}`, 303),
  );
}

/** Every form post carries the page's CSRF token in its `csrf` field. */
export function formCsrf(origin: string): preHandlerAsyncHookHandler {
  return async function csrfChecked(request, reply) {
    if (request.method !== 'POST') return;
    const csrf = ((request.body ?? {}) as Record<string, unknown>).csrf;
    if (!isValidCsrf(request, typeof csrf === 'string' ? csrf : undefined, origin)) {
      return sendPage(
        reply,
        errorPage(
          'Request refused',
          'This form was not submitted from this page (CSRF check failed).',
          'Reload the page and try again.',
        ),
        403,
      );
    }
  };
}
