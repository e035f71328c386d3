import type { Database } from '@enclavia/db';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { workspacesOf } from '../accounts.js';
import type { AuthConfig } from '../config.js';
import { type TokenCreationLimit, tokenCreationRefused } from '../tokens/creation-limit.js';
import { connectedAppsIn, connectedAppsOf, revokeConnectedApp } from '../tokens/grants.js';
import {
  createPersonalAccessToken,
  createTokenInput,
  EXPIRY_DAYS,
  listPersonalAccessTokens,
  revokePersonalAccessToken,
} from '../tokens/personal-access-tokens.js';
import { confirmPage } from '../web/confirm-page.js';
import { csrfToken } from '../web/csrf.js';
import { sendFailurePage } from '../web/failure-page.js';
import { sendPage } from '../web/page.js';
import { formCsrf, signInFirst } from '../web/page-guards.js';
import { setSignedJson, takeSignedJson } from '../web/signed-cookie.js';
import { adminWorkspacesOf, WorkspaceError } from '../workspaces/index.js';
import { NEW_TOKEN_PATH, newTokenHandoff } from './new-token-handoff.js';
import { type DashboardView, dashboardPage, type TokenFormState } from './views.js';

export interface DashboardRoutesOptions {
  config: AuthConfig;
  db: Database;
  tokenCreation: TokenCreationLimit;
}

/** What a revocation did, named, carried to the page it redirects to (signed: no one else can word it). */
const NOTICE_COOKIE = 'enclavia_notice';
const noticeSchema = z.object({ notice: z.string().max(300) });

/** The token form as submitted, into what the API takes. */
const tokenForm = z
  .object({
    name: z.string().optional(),
    workspace_id: z.string().optional(),
    scopes: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : [v].flat())),
    expires_in_days: z.coerce.number().optional(),
  })
  .transform((f) => ({
    name: f.name ?? '',
    workspace_id: f.workspace_id,
    scopes: f.scopes,
    expires_in_days: f.expires_in_days,
  }));

/** `/dashboard`: the signed-in user's connected apps and personal access tokens, and for admins their workspace's apps. */
export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (
  app,
  { config, db, tokenCreation },
) => {
  const secure = new URL(config.issuer).protocol === 'https:';
  const origin = new URL(config.issuer).origin;
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  app.addHook('preHandler', signInFirst(db));
  app.addHook('preHandler', formCsrf(origin));

  const handoff = newTokenHandoff(db, secure);
  const cookieScope = { path: '/dashboard', secure };
  const tell = (reply: FastifyReply, notice: string) =>
    setSignedJson(reply, NOTICE_COOKIE, { notice }, { ...cookieScope, maxAge: 60 });
  const memberQuery = z.object({ member: z.string().max(320).optional().catch(undefined) });

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Pick<DashboardView, 'error' | 'newToken' | 'tokenForm' | 'notice'> = {},
    status = 200,
  ) => {
    const user = request.user!;
    const administered = await adminWorkspacesOf(db, user.id);
    const taken = takeSignedJson(request, reply, NOTICE_COOKIE, noticeSchema, cookieScope);
    const notice = extra.notice ?? (taken.status === 'ok' ? taken.value.notice : undefined);
    const { apps, memberFilter } = await appsToShow(
      user.id,
      administered,
      memberQuery.parse(request.query ?? {}).member,
    );
    const page = dashboardPage({
      email: user.email,
      csrf: csrfToken(request, reply, secure),
      mcpUrl: config.mcpResource,
      issuer: config.issuer,
      apps,
      ...(memberFilter ? { memberFilter } : {}),
      administered,
      tokens: await listPersonalAccessTokens(db, user.id),
      workspaces: await workspacesOf(db, user.id),
      expiryDays: EXPIRY_DAYS,
      ...(notice && !extra.error ? { notice } : {}),
      ...(extra.error ? { error: extra.error } : {}),
      ...(extra.newToken ? { newToken: extra.newToken } : {}),
      ...(extra.tokenForm ? { tokenForm: extra.tokenForm } : {}),
    });
    return sendPage(reply, page, status);
  };

  /** The user's own apps and, for an admin, every app of their workspaces: one list, filterable by member. */
  const appsToShow = async (userId: string, administered: Array<{ id: string }>, member?: string) => {
    const own = await connectedAppsOf(db, userId);
    if (administered.length === 0) return { apps: own };
    const all = [...own, ...(await Promise.all(administered.map((w) => connectedAppsIn(db, w.id)))).flat()];
    const unique = [...new Map(all.map((a) => [a.id, a])).values()].sort(
      (x, y) => y.createdAt.getTime() - x.createdAt.getTime(),
    );
    const members = [...new Set(unique.map((a) => a.user))].sort();
    const selected = member && members.includes(member) ? member : undefined;
    return {
      apps: selected ? unique.filter((a) => a.user === selected) : unique,
      memberFilter: { members, ...(selected ? { selected } : {}) },
    };
  };

  const confirmed = (request: FastifyRequest) => body(request).confirm === 'yes';

  app.get('/dashboard', async (request, reply) => render(request, reply));

  app.post('/dashboard/apps/:id/revoke', async (request, reply) => {
    const { id } = request.params as { id: string };
    const user = request.user!;
    const administered = await adminWorkspacesOf(db, user.id);
    const { apps } = await appsToShow(user.id, administered);
    const target = apps.find((a) => a.id === id);
    const name = target ? (target.clientName ?? target.clientId) : 'this app';
    if (target && !confirmed(request)) {
      const page = confirmPage({
        email: user.email,
        csrf: csrfToken(request, reply, secure),
        action: `/dashboard/apps/${id}/revoke`,
        button: `Revoke ${name}`,
        what: `${name}${target.user === user.email ? '' : ` of ${target.user}`}, in ${target.workspace}`,
        consequence:
          'It stops working within a second, and its refresh token with it. To use it again, someone must connect and approve it anew.',
        cancel: '/dashboard',
      });
      return sendPage(reply, page);
    }
    await revokeConnectedApp(db, {
      actorUserId: user.id,
      grantId: id,
      accessTokenTtl: config.ttl.accessToken,
    });
    tell(reply, `Connected app revoked: ${name}. Its tokens no longer work.`);
    return reply.redirect('/dashboard', 303);
  });

  app.post('/dashboard/tokens', async (request, reply) => {
    const raw = body(request);
    const form = tokenForm.safeParse(raw);
    if (!form.success)
      return render(
        request,
        reply,
        {
          tokenForm: {
            ...typedBack(raw),
            errors: { form: `The token form was not understood: ${fieldIssues(form.error)}.` },
          },
        },
        400,
      );
    const input = createTokenInput.safeParse(form.data);
    if (!input.success)
      return render(
        request,
        reply,
        { tokenForm: { ...typedBack(raw), errors: errorsByField(input.error) } },
        400,
      );
    const limited = tokenCreation(request.user!.id);
    if (!limited.allowed) {
      reply.header('retry-after', String(limited.retryAfter));
      return render(
        request,
        reply,
        { tokenForm: { ...typedBack(raw), errors: { form: tokenCreationRefused(limited) } } },
        429,
      );
    }
    const { token } = await createPersonalAccessToken(db, { userId: request.user!.id, input: input.data });
    // Shown on the page this redirects to, once: a reload of that page creates nothing.
    await handoff.hand(reply, { value: token, name: input.data.name });
    return reply.redirect(NEW_TOKEN_PATH, 303);
  });

  app.get(NEW_TOKEN_PATH, async (request, reply) => {
    const token = await handoff.take(request, reply);
    if (token) return render(request, reply, { newToken: token });
    return render(request, reply, {
      notice:
        'A new token is shown only once, on the page right after creating it. If you did not copy it, revoke it and create another.',
    });
  });

  app.post('/dashboard/tokens/:id/revoke', async (request, reply) => {
    const { id } = request.params as { id: string };
    const user = request.user!;
    const target = (await listPersonalAccessTokens(db, user.id)).find((t) => t.id === id);
    if (target && !confirmed(request)) {
      const page = confirmPage({
        email: user.email,
        csrf: csrfToken(request, reply, secure),
        action: `/dashboard/tokens/${id}/revoke`,
        button: `Revoke token ${target.name}`,
        what: `Token ${target.name} (${target.prefix}…), in ${target.workspace}`,
        consequence: 'Every client using it is refused within a second. This cannot be undone.',
        cancel: '/dashboard',
      });
      return sendPage(reply, page);
    }
    await revokePersonalAccessToken(db, { actorUserId: user.id, id });
    tell(reply, `Personal access token revoked: ${target?.name ?? 'the token'}.`);
    return reply.redirect('/dashboard', 303);
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof WorkspaceError) {
      // A refusal of the token form (policy, ceiling) stays next to what was typed.
      if (request.url === '/dashboard/tokens')
        return render(
          request,
          reply,
          { tokenForm: { ...typedBack(body(request)), errors: { form: error.message } } },
          error.status,
        );
      return render(request, reply, { error: error.message }, error.status);
    }
    return sendFailurePage(error, request, reply, { logMessage: 'dashboard request failed' });
  });
};

/** What the user typed into the token form, to show it back with the errors. */
function typedBack(raw: Record<string, unknown>): Omit<TokenFormState, 'errors'> {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const days = Number(text(raw.expires_in_days));
  return {
    name: text(raw.name),
    workspaceId: text(raw.workspace_id),
    scopes: [raw.scopes].flat().filter((s): s is string => typeof s === 'string'),
    ...(Number.isFinite(days) && days > 0 ? { expiresInDays: days } : {}),
  };
}

/** Each problem next to its field, as a sentence. */
function errorsByField(error: z.ZodError): TokenFormState['errors'] {
  const errors: TokenFormState['errors'] = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    const key = (
      ['name', 'workspace_id', 'scopes', 'expires_in_days'].includes(field) ? field : 'form'
    ) as keyof TokenFormState['errors'];
    errors[key] ??= sentence(issue.message);
  }
  return errors;
}

const sentence = (text: string) =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** Which fields were wrong and how, e.g. `name: expected string, received array`. */
function fieldIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ');
}
