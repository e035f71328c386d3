import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFoundPage } from '../admin/views.js';
import { csrfToken } from '../web/csrf.js';
import { sendFailurePage } from '../web/failure-page.js';
import { sendPage } from '../web/page.js';
import { formCsrf, signInFirst } from '../web/page-guards.js';
import type { InstanceAdminOptions } from './api.js';
import { accountEmail, accountToDisable, disableAsInstanceAdmin, isInstanceAdmin } from './disable.js';
import { InstanceAdminError } from './errors.js';
import { confirmDisablePage, type DisabledNotice, usersPage } from './views.js';

/** What the page says after a disable, carried in the query of the redirect to /admin/users. */
const disabledNotice = z.object({
  disabled: accountEmail,
  grants: z.coerce.number().int().min(0),
  tokens: z.coerce.number().int().min(0),
});

/** `/admin/users`: an email, a confirmation naming the account and what follows, then the disable. */
export const instanceAdminPages: FastifyPluginAsync<InstanceAdminOptions> = async (app, { config, db }) => {
  const secure = new URL(config.issuer).protocol === 'https:';
  app.addHook('preHandler', signInFirst(db));
  app.addHook('preHandler', async (request, reply) => {
    if (!isInstanceAdmin(config, request.user!)) return sendPage(reply, notFoundPage(), 404);
  });
  app.addHook('preHandler', formCsrf(new URL(config.issuer).origin));

  const users = (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { notice?: DisabledNotice; error?: string } = {},
    status = 200,
  ) =>
    sendPage(
      reply,
      usersPage({ email: request.user!.email, csrf: csrfToken(request, reply, secure), ...extra }),
      status,
    );

  app.get('/admin/users', async (request, reply) => {
    const notice = disabledNotice.safeParse(request.query);
    return users(request, reply, notice.success ? { notice: notice.data } : {});
  });

  app.get('/admin/users/confirm', async (request, reply) => {
    const email = accountEmail.safeParse((request.query as Record<string, unknown>).email);
    if (!email.success) return users(request, reply, { error: email.error.issues[0]!.message }, 400);
    const account = await accountToDisable(db, request.user!, email.data);
    const page = confirmDisablePage({
      email: request.user!.email,
      csrf: csrfToken(request, reply, secure),
      account,
    });
    return sendPage(reply, page);
  });

  app.post('/admin/users/disable', async (request, reply) => {
    const email = accountEmail.safeParse((request.body as Record<string, unknown>).email);
    if (!email.success) return users(request, reply, { error: email.error.issues[0]!.message }, 400);
    const result = await disableAsInstanceAdmin(db, {
      admin: request.user!,
      email: email.data,
      accessTokenTtl: config.ttl.accessToken,
    });
    const query = new URLSearchParams({
      disabled: result.email,
      grants: String(result.grants),
      tokens: String(result.tokens),
    });
    return reply.redirect(`/admin/users?${query}`, 303);
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof InstanceAdminError)
      return users(request, reply, { error: error.message }, error.status);
    return sendFailurePage(error, request, reply, { logMessage: 'instance admin request failed' });
  });
};
