import type { Database } from '@enclavia/db';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';
import { z } from 'zod';
import { AccountDisabledError, signInWithEmail } from '../accounts.js';
import type { AuthConfig } from '../config.js';
import type { UpstreamIdentityProvider, UpstreamProviderId } from '../upstream/index.js';
import { csrfToken, isValidCsrf } from '../web/csrf.js';
import { errorPage } from '../web/page.js';
import { signInPage, typedEmail } from '../web/sign-in.js';
import { endProviderSession } from './provider-session.js';
import { endWebSession, safeReturnTo, startWebSession } from './web-session.js';

export interface SessionRoutesOptions {
  config: AuthConfig;
  db: Database;
  provider: Provider;
  upstream: Map<UpstreamProviderId, UpstreamIdentityProvider>;
}

const devLoginBody = z.object({
  csrf: z.string().optional(),
  email: z.email().max(254),
  return_to: z.string().optional(),
});

/**
 * Signing in to the dashboard and admin pages (outside any OAuth authorization), and out: signing
 * out also ends the browser's sign-in at oidc-provider.
 */
export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (
  app,
  { config, db, provider, upstream },
) => {
  const secure = new URL(config.issuer).protocol === 'https:';
  const origin = new URL(config.issuer).origin;
  const upstreamOrigins = [...upstream.values()].map((u) => u.authorizationUrl('state', 'verifier').origin);

  const render = (request: FastifyRequest, reply: FastifyReply, returnTo: string, error?: string) => {
    const page = signInPage({
      title: 'Sign in to Enclavia',
      csrf: csrfToken(request, reply, secure),
      devLogin: config.devLogin,
      devAction: '/login/dev',
      upstream: [...upstream.values()].map(({ id, label }) => ({ id, label })),
      upstreamOrigins,
      hidden: { return_to: returnTo },
      ...(error ? { error } : {}),
      ...(error && typedEmail(request) ? { email: typedEmail(request) } : {}),
    });
    return reply
      .status(error ? 400 : 200)
      .headers(page.headers)
      .send(page.body);
  };

  app.get('/login', async (request, reply) =>
    render(request, reply, safeReturnTo((request.query as Record<string, unknown>).return_to)),
  );

  app.post('/login/dev', async (request, reply) => {
    const body = devLoginBody.safeParse(request.body);
    const returnTo = safeReturnTo((request.body as Record<string, unknown> | undefined)?.return_to);
    const csrf = (request.body as Record<string, unknown> | undefined)?.csrf;
    if (!isValidCsrf(request, typeof csrf === 'string' ? csrf : undefined, origin)) {
      const page = errorPage(
        'Request refused',
        'This form was not submitted from this sign-in page (CSRF check failed).',
      );
      return reply.status(403).headers(page.headers).send(page.body);
    }
    if (!config.devLogin) {
      const page = errorPage('Sign-in unavailable', 'The development login is turned off.');
      return reply.status(403).headers(page.headers).send(page.body);
    }
    if (!body.success) return render(request, reply, returnTo, 'Enter a valid email address.');
    const user = await signInWithEmail(db, body.data.email).catch((error: unknown) => {
      if (error instanceof AccountDisabledError) return undefined;
      throw error;
    });
    if (!user) return render(request, reply, returnTo, 'This account is disabled.');
    await startWebSession(db, reply, user.id, secure);
    return reply.redirect(returnTo, 303);
  });

  app.post('/logout', async (request, reply) => {
    const csrf = (request.body as Record<string, unknown> | undefined)?.csrf;
    if (!isValidCsrf(request, typeof csrf === 'string' ? csrf : undefined, origin))
      return reply.status(403).send();
    await endWebSession(db, request, reply);
    await endProviderSession(provider, request, reply);
    return reply.redirect('/login', 303);
  });
};
