import { timingSafeEqual } from 'node:crypto';
import type { Database } from '@enclavia/db';
import { generateCodeVerifier, generateState } from 'arctic';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Provider } from 'oidc-provider';
import { z } from 'zod';
import { AccountDisabledError, signInWithIdentity } from '../accounts.js';
import type { AuthConfig } from '../config.js';
import { safeReturnTo, startWebSession } from '../session/web-session.js';
import { UpstreamError, type UpstreamIdentityProvider, type UpstreamProviderId } from '../upstream/index.js';
import { isValidCsrf } from '../web/csrf.js';
import { errorPage } from '../web/page.js';
import { setSignedJson, takeSignedJson } from '../web/signed-cookie.js';
import { handUpstreamLogin } from './handoff.js';

export interface LoginRoutesOptions {
  config: AuthConfig;
  db: Database;
  provider: Provider;
  upstream: Map<UpstreamProviderId, UpstreamIdentityProvider>;
}

/** `state` and the PKCE verifier, kept in the browser for the round trip to the provider. */
const PENDING_COOKIE = 'enclavia_upstream';
const PENDING_SECONDS = 600;
const pendingSchema = z.object({
  provider: z.string(),
  state: z.string(),
  verifier: z.string(),
  /** The OAuth authorization to resume, or else the dashboard page to return to. */
  uid: z.string().optional(),
  returnTo: z.string().optional(),
});

const providerParams = z.object({ provider: z.enum(['github', 'google']) });
const startBody = z.object({
  csrf: z.string().optional(),
  uid: z.string().min(1).max(100).optional(),
  return_to: z.string().max(500).optional(),
});
const callbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
});

/**
 * "Continue with GitHub/Google": start sends the browser to the provider with a fresh `state`
 * (and PKCE for Google); the callback checks and consumes them, identifies the user, and hands
 * the result to the authorization the user came from (or signs in to the dashboard). Every
 * failure is a page with a way back.
 */
export const loginRoutes: FastifyPluginAsync<LoginRoutesOptions> = async (
  app,
  { config, db, provider, upstream },
) => {
  const secure = new URL(config.issuer).protocol === 'https:';
  const origin = new URL(config.issuer).origin;
  const callbackPath = (id: string) => `/login/${id}/callback`;

  const fail = (reply: FastifyReply, status: number, title: string, message: string, uid?: string) => {
    const page = errorPage(
      title,
      message,
      uid ? undefined : 'If you were connecting an app, go back to it and start again.',
      { href: uid ? `/interaction/${uid}` : '/login', label: 'Back to sign-in' },
    );
    return reply.status(status).headers(page.headers).send(page.body);
  };

  const upstreamOf = (params: unknown) => {
    const parsed = providerParams.safeParse(params);
    return parsed.success ? upstream.get(parsed.data.provider) : undefined;
  };

  app.post('/login/:provider', async (request, reply) => {
    const upstreamProvider = upstreamOf(request.params);
    if (!upstreamProvider)
      return fail(reply, 404, 'Sign-in unavailable', 'This way of signing in is not configured.');
    const body = startBody.safeParse(request.body);
    if (!body.success || !isValidCsrf(request, body.data.csrf, origin)) {
      return fail(
        reply,
        403,
        'Request refused',
        'This form was not submitted from this sign-in page (CSRF check failed).',
      );
    }
    const { uid } = body.data;
    if (uid && !(await provider.Interaction.find(uid))) {
      return fail(
        reply,
        400,
        'This sign-in has expired',
        'The sign-in you were completing is no longer open.',
      );
    }
    const state = generateState();
    const verifier = generateCodeVerifier();
    const resume = uid ? { uid } : { returnTo: safeReturnTo(body.data.return_to) };
    setSignedJson(
      reply,
      PENDING_COOKIE,
      { provider: upstreamProvider.id, state, verifier, ...resume },
      { path: callbackPath(upstreamProvider.id), secure, maxAge: PENDING_SECONDS },
    );
    return reply.redirect(upstreamProvider.authorizationUrl(state, verifier).href, 303);
  });

  app.get('/login/:provider/callback', async (request, reply) => {
    const upstreamProvider = upstreamOf(request.params);
    if (!upstreamProvider)
      return fail(reply, 404, 'Sign-in unavailable', 'This way of signing in is not configured.');
    const { label } = upstreamProvider;
    const query = callbackQuery.safeParse(request.query);

    const pending = takeSignedJson(request, reply, PENDING_COOKIE, pendingSchema, {
      path: callbackPath(upstreamProvider.id),
      secure,
    });
    if (pending.status === 'missing') {
      return fail(
        reply,
        400,
        'This sign-in link was already used',
        `This ${label} sign-in was already completed, has expired, or was started in another browser.`,
      );
    }
    if (
      pending.status === 'tampered' ||
      !query.success ||
      pending.value.provider !== upstreamProvider.id ||
      !sameString(pending.value.state, query.data.state)
    ) {
      const uid = pending.status === 'ok' ? pending.value.uid : undefined;
      const message = `The answer from ${label} did not match the sign-in this browser started.`;
      return fail(reply, 400, 'This sign-in could not be verified', message, uid);
    }
    const { uid, verifier, returnTo } = pending.value;

    if (query.data.error === 'access_denied') {
      return fail(reply, 400, 'Sign-in cancelled', `You cancelled signing in with ${label}.`, uid);
    }
    if (query.data.error || !query.data.code) {
      const message = `${label} did not complete the sign-in (${query.data.error ?? 'no code'}).`;
      return fail(reply, 400, 'Sign-in failed', message, uid);
    }

    try {
      const identity = await upstreamProvider.identify(query.data.code, verifier);
      const user = await signInWithIdentity(db, identity);
      if (!uid) {
        await startWebSession(db, reply, user.id, secure);
        return reply.redirect(safeReturnTo(returnTo), 303);
      }
      handUpstreamLogin(reply, { uid, userId: user.id }, secure);
      return reply.redirect(`/interaction/${uid}/upstream`, 303);
    } catch (error) {
      if (error instanceof AccountDisabledError) {
        return fail(reply, 403, 'Sign-in refused', 'This account is disabled.', uid);
      }
      if (!(error instanceof UpstreamError)) throw error;
      request.log.warn(
        { provider: upstreamProvider.id, kind: error.kind, cause: error.cause },
        'upstream sign-in failed',
      );
      const status = error.kind === 'unavailable' ? 502 : 400;
      return fail(reply, status, `Sign-in with ${label} failed`, error.message, uid);
    }
  });
};

function sameString(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
