import type { Database } from '@enclavia/db';
import type { preHandlerAsyncHookHandler } from 'fastify';
import { requireUser } from '../session/require-user.js';
import { isValidCsrf } from './csrf.js';
import { errorPage, sendPage } from './page.js';

/** For pages of signed-in users: anyone else is sent to sign in, and back here after. */
export function signInFirst(db: Database): preHandlerAsyncHookHandler {
  return requireUser(db, (request, reply) => reply.redirect(signInUrl(request.url), 303));
}

/** The upstream sign-in carries at most this much of where to come back to (`login/routes.ts`). */
const RETURN_TO_MAX = 500;

/**
 * Sign in, then back to `url`; to its path alone when the query is too long to carry (a longer
 * `return_to` is refused at sign-in, and a huge one would swell the Location header past what
 * clients read).
 */
function signInUrl(url: string): string {
  const path = url.split('?', 1)[0]!;
  const back = url.length <= RETURN_TO_MAX ? url : path.length <= RETURN_TO_MAX ? path : undefined;
  return back ? `/login?return_to=${encodeURIComponent(back)}` : '/login';
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
