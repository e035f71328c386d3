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
import { csrfToken } from '../web/csrf.js';
import { sendFailurePage } from '../web/failure-page.js';
import { sendPage } from '../web/page.js';
import { formCsrf, signInFirst } from '../web/page-guards.js';
import { adminWorkspacesOf, WorkspaceError } from '../workspaces/index.js';
import { dashboardPage } from './views.js';

export interface DashboardRoutesOptions {
  config: AuthConfig;
  db: Database;
  tokenCreation: TokenCreationLimit;
}

const NOTICES: Record<string, string> = {
  app: 'Connected app revoked: its tokens no longer work.',
  token: 'Personal access token revoked.',
};

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

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { error?: string; newToken?: string } = {},
    status = 200,
  ) => {
    const user = request.user!;
    const administered = await adminWorkspacesOf(db, user.id);
    const notice = NOTICES[String((request.query as Record<string, unknown>).done ?? '')];
    const page = dashboardPage({
      email: user.email,
      csrf: csrfToken(request, reply, secure),
      apps: await connectedAppsOf(db, user.id),
      administered: await Promise.all(
        administered.map(async (w) => ({ ...w, apps: await connectedAppsIn(db, w.id) })),
      ),
      tokens: await listPersonalAccessTokens(db, user.id),
      workspaces: await workspacesOf(db, user.id),
      expiryDays: EXPIRY_DAYS,
      ...(notice && !extra.error ? { notice } : {}),
      ...extra,
    });
    return sendPage(reply, page, status);
  };

  app.get('/dashboard', async (request, reply) => render(request, reply));

  app.post('/dashboard/apps/:id/revoke', async (request, reply) => {
    const { id } = request.params as { id: string };
    await revokeConnectedApp(db, {
      actorUserId: request.user!.id,
      grantId: id,
      accessTokenTtl: config.ttl.accessToken,
    });
    return reply.redirect('/dashboard?done=app', 303);
  });

  app.post('/dashboard/tokens', async (request, reply) => {
    const form = tokenForm.safeParse(body(request));
    if (!form.success)
      return render(
        request,
        reply,
        { error: `The token form was not understood: ${fieldIssues(form.error)}.` },
        400,
      );
    const input = createTokenInput.safeParse(form.data);
    if (!input.success)
      return render(request, reply, { error: input.error.issues.map((i) => i.message).join(' ') }, 400);
    const limited = tokenCreation(request.user!.id);
    if (!limited.allowed) {
      reply.header('retry-after', String(limited.retryAfter));
      return render(request, reply, { error: tokenCreationRefused(limited) }, 429);
    }
    const { token } = await createPersonalAccessToken(db, { userId: request.user!.id, input: input.data });
    // Rendered, not redirected: the token is shown this once and never stored.
    return render(request, reply, { newToken: token }, 201);
  });

  app.post('/dashboard/tokens/:id/revoke', async (request, reply) => {
    const { id } = request.params as { id: string };
    await revokePersonalAccessToken(db, { actorUserId: request.user!.id, id });
    return reply.redirect('/dashboard?done=token', 303);
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof WorkspaceError)
      return render(request, reply, { error: error.message }, error.status);
    return sendFailurePage(error, request, reply, { logMessage: 'dashboard request failed' });
  });
};

/** Which fields were wrong and how, e.g. `name: expected string, received array`. */
function fieldIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ');
}
