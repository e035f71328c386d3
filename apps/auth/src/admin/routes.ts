import { UNKNOWN_CLIENTS } from '@enclavia/access';
import { isScope, SCOPES } from '@enclavia/contract';
import type { Database } from '@enclavia/db';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthConfig } from '../config.js';
import { isInstanceAdmin } from '../instance-admin/disable.js';
import { connectedAppsIn } from '../tokens/grants.js';
import { confirmPage } from '../web/confirm-page.js';
import { csrfToken } from '../web/csrf.js';
import { sendFailurePage } from '../web/failure-page.js';
import { sendPage } from '../web/page.js';
import { formCsrf, signInFirst } from '../web/page-guards.js';
import { appChange, appNotFound, listApps, updateApp } from '../workspace-apps/index.js';
import {
  adminWorkspace,
  adminWorkspacesOf,
  cancelInvitation,
  changeRole,
  getPolicy,
  inviteInput,
  inviteMember,
  listAudit,
  listMembers,
  policyChange,
  removeMember,
  roleInput,
  updatePolicy,
  WorkspaceError,
  type WorkspacePolicy,
} from '../workspaces/index.js';
import { adminHomePage, auditPage, notFoundPage, settingsPage, type TypedAppLimits } from './views.js';

export interface AdminRoutesOptions {
  config: AuthConfig;
  db: Database;
}

const NOTICES: Record<string, string> = {
  added: 'Member added.',
  invited: 'Invitation sent: it takes effect when they first sign in.',
  role: 'Role changed.',
  removed: 'Member removed; their connected apps were revoked.',
  cancelled: 'Invitation cancelled.',
};

/** What an action on an app did: shown under Apps, where the page opens after it. */
const APP_NOTICES: Record<string, string> = {
  app_approved: 'App approved: its users can connect it now.',
  app_limits: 'Limits saved.',
};

/** Lines of a textarea, without blanks. */
const lines = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  );
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : [v].flat()));

/** A lifetime select: empty for the server's, else seconds. */
const lifetime = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? null : Number(v)));

/** The policy form as the admin submitted it, into the same change the API takes. */
const policyForm = z
  .object({
    mcp_enabled: z.string().optional(),
    allowed_redirect_uris: lines,
    allowed_client_ids: lines,
    scope_ceiling: list,
    personal_access_tokens_enabled: z.string().optional(),
    access_token_ttl: lifetime,
    refresh_token_ttl: lifetime,
    refresh_tokens_enabled: z.string().optional(),
    enterprise_idp_issuer: z.string().optional(),
    enterprise_jit_membership: z.string().optional(),
    enterprise_email_domain: z.string().optional(),
    unknown_clients: z.string().optional(),
  })
  .transform((f) => ({
    mcp_enabled: f.mcp_enabled === 'on',
    allowed_redirect_uris: f.allowed_redirect_uris,
    allowed_client_ids: f.allowed_client_ids,
    scope_ceiling: f.scope_ceiling,
    personal_access_tokens_enabled: f.personal_access_tokens_enabled === 'on',
    access_token_ttl: f.access_token_ttl,
    refresh_token_ttl: f.refresh_token_ttl,
    refresh_tokens_enabled: f.refresh_tokens_enabled === 'on',
    enterprise_idp_issuer: f.enterprise_idp_issuer ?? '',
    enterprise_jit_membership: f.enterprise_jit_membership === 'on',
    enterprise_email_domain: f.enterprise_email_domain ?? '',
    // Absent (a form from before the field): the saved value stays.
    ...(f.unknown_clients === undefined ? {} : { unknown_clients: f.unknown_clients }),
  }));

/** An app's Limits form: all of the workspace's scopes ticked means the workspace's ceiling (null). */
const limitsForm = z.object({
  client_id: z.string().min(1).max(2000),
  scope_ceiling: list,
  access_token_ttl: lifetime,
  refresh_token_ttl: lifetime,
});

/** What saving the policy did, carried to the page it redirects to. */
const policyDone = z.object({
  revoked: z.coerce.number().int().min(0).catch(0),
  tokens: z.coerce.number().int().min(0).catch(0),
});

/** The client ID an app's Approve or Block form names. */
const appForm = z.object({ client_id: z.string().min(1).max(2000) });

/**
 * Workspace administration as pages under /admin: the same operations as /api/v1, for a
 * workspace's admins only (404 for everyone else), each form CSRF-protected.
 */
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { config, db }) => {
  const secure = new URL(config.issuer).protocol === 'https:';
  const origin = new URL(config.issuer).origin;
  const params = (request: FastifyRequest) => request.params as { id: string; userId?: string };
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  app.addHook('preHandler', signInFirst(db));
  app.addHook('preHandler', formCsrf(origin));

  const settings = async (
    request: FastifyRequest,
    reply: FastifyReply,
    workspaceId: string,
    error?: string,
    typed?: TypedPolicy,
    invite?: { email: string; role: 'admin' | 'member'; error: string },
    appLimits?: TypedAppLimits,
  ) => {
    const user = request.user!;
    const workspace = await adminWorkspace(db, user.id, workspaceId);
    const query = request.query as Record<string, unknown>;
    const removed = query.done === 'removed' ? z.email().safeParse(query.who) : undefined;
    const notice =
      query.done === 'policy'
        ? policySavedNotice(policyDone.parse(query))
        : removed?.success
          ? `Member removed: ${removed.data}. Their connected apps and tokens for this workspace were revoked.`
          : NOTICES[String(query.done ?? '')];
    const appsNotice =
      query.done === 'app_blocked'
        ? appBlockedNotice(policyDone.parse(query).revoked)
        : APP_NOTICES[String(query.done ?? '')];
    const saved = await getPolicy(db, workspace.id);
    const draft = error || typed ? undefined : prefilled(saved, query);
    const page = settingsPage({
      email: user.email,
      csrf: csrfToken(request, reply, secure),
      workspace,
      policy: typed?.policy ?? draft ?? saved,
      ...(draft ? { draftNotice: true } : {}),
      ...(typed ? { policyErrors: typed.errors, confirmTokensOff: typed.confirmTokensOff } : {}),
      ...(invite ? { invite } : {}),
      connectedApps: (await connectedAppsIn(db, workspace.id)).length,
      serverLifetimes: config.ttl,
      ...(await listMembers(db, workspace.id)),
      apps: await listApps(db, workspace.id, saved),
      ...(appsNotice && !error && !appLimits ? { appsNotice } : {}),
      ...(appLimits ? { appLimits } : {}),
      ...(notice && !error ? { notice } : {}),
      ...(error ? { error } : {}),
    });
    return sendPage(reply, page, error || typed?.errors || invite || appLimits ? 400 : 200);
  };
  const done = (reply: FastifyReply, workspaceId: string, what: string) =>
    reply.redirect(`/admin/workspaces/${workspaceId}?done=${what}`, 303);

  app.get('/admin', async (request, reply) => {
    const user = request.user!;
    const page = adminHomePage({
      email: user.email,
      csrf: csrfToken(request, reply, secure),
      workspaces: await adminWorkspacesOf(db, user.id),
      instanceAdmin: isInstanceAdmin(config, user),
    });
    return sendPage(reply, page);
  });

  app.get('/admin/workspaces/:id', async (request, reply) => settings(request, reply, params(request).id));

  app.post('/admin/workspaces/:id/policy', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const form = policyForm.safeParse(body(request));
    if (!form.success) return settings(request, reply, workspace.id, 'The policy form was not understood.');
    const saved = await getPolicy(db, workspace.id);
    const typed = asPolicy(form.data, saved);
    const change = policyChange.safeParse(form.data);
    if (!change.success)
      return settings(request, reply, workspace.id, undefined, {
        policy: typed,
        errors: errorsByField(change.error),
      });
    // Turning tokens off revokes every one of them: the first Save asks, the second one does it.
    if (
      saved.personalAccessTokensEnabled &&
      !typed.personalAccessTokensEnabled &&
      body(request).confirm_tokens_off !== 'yes'
    )
      return sendPage(
        reply,
        settingsPage({
          email: request.user!.email,
          csrf: csrfToken(request, reply, secure),
          workspace,
          policy: typed,
          confirmTokensOff: true,
          connectedApps: (await connectedAppsIn(db, workspace.id)).length,
          serverLifetimes: config.ttl,
          ...(await listMembers(db, workspace.id)),
          apps: await listApps(db, workspace.id, saved),
        }),
      );
    const { effects } = await updatePolicy(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      change: change.data,
      server: config.ttl,
      production: config.nodeEnv === 'production',
    });
    return reply.redirect(
      `/admin/workspaces/${workspace.id}?done=policy&revoked=${effects.revokedApps}&tokens=${effects.revokedTokens}`,
      303,
    );
  });

  app.post('/admin/workspaces/:id/apps/approve', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const form = appForm.safeParse(body(request));
    if (!form.success) return settings(request, reply, workspace.id, 'The form did not name an app.');
    await updateApp(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      clientId: form.data.client_id,
      change: { status: 'approved' },
      server: config.ttl,
    });
    return reply.redirect(`/admin/workspaces/${workspace.id}?done=app_approved#apps`, 303);
  });

  // Blocking revokes the app's connections: the first click asks, naming how many, the second blocks.
  app.post('/admin/workspaces/:id/apps/block', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const form = appForm.safeParse(body(request));
    if (!form.success) return settings(request, reply, workspace.id, 'The form did not name an app.');
    const clientId = form.data.client_id;
    if (body(request).confirm !== 'yes') {
      const listed = (await listApps(db, workspace.id, await getPolicy(db, workspace.id))).find(
        (a) => a.clientId === clientId,
      );
      if (!listed) throw appNotFound(clientId);
      const connections = listed.users.reduce((n, u) => n + u.connections, 0);
      const page = confirmPage({
        email: request.user!.email,
        csrf: csrfToken(request, reply, secure),
        action: `/admin/workspaces/${workspace.id}/apps/block`,
        fields: { client_id: clientId },
        button: `Block ${listed.clientName}`,
        what: `${listed.clientName} (client ID ${clientId}) in ${workspace.name}`,
        consequence:
          connections === 0
            ? 'Nobody is connected with it now; nobody can connect it to this workspace until an admin approves it.'
            : `Its ${connections} connection${connections === 1 ? ' is' : 's are'} revoked within a second, and nobody can connect it to this workspace until an admin approves it.`,
        cancel: `/admin/workspaces/${workspace.id}#apps`,
      });
      return sendPage(reply, page);
    }
    const { revokedConnections } = await updateApp(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      clientId,
      change: { status: 'blocked' },
      server: config.ttl,
    });
    return reply.redirect(
      `/admin/workspaces/${workspace.id}?done=app_blocked&revoked=${revokedConnections}#apps`,
      303,
    );
  });

  app.post('/admin/workspaces/:id/apps/limits', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const form = limitsForm.safeParse(body(request));
    if (!form.success) return settings(request, reply, workspace.id, 'The limits form was not understood.');
    const { client_id: clientId, scope_ceiling: scopes, access_token_ttl, refresh_token_ttl } = form.data;
    const typed = (error: string): TypedAppLimits => ({
      clientId,
      scopes,
      accessTokenTtl: access_token_ttl,
      refreshTokenTtl: refresh_token_ttl,
      error,
    });
    const policy = await getPolicy(db, workspace.id);
    // Everything the workspace allows, ticked: the app follows the workspace's ceiling.
    const followsWorkspace =
      scopes.length === policy.scopeCeiling.length && policy.scopeCeiling.every((s) => scopes.includes(s));
    const change = appChange.safeParse({
      scope_ceiling: followsWorkspace ? null : scopes,
      access_token_ttl,
      refresh_token_ttl,
    });
    if (!change.success)
      return settings(
        request,
        reply,
        workspace.id,
        undefined,
        undefined,
        undefined,
        typed(sentences(change.error)),
      );
    try {
      await updateApp(db, {
        actorUserId: request.user!.id,
        workspaceId: workspace.id,
        clientId,
        change: change.data,
        server: config.ttl,
      });
    } catch (error) {
      if (error instanceof WorkspaceError && (error.status === 400 || error.status === 409))
        return settings(request, reply, workspace.id, undefined, undefined, undefined, typed(error.message));
      throw error;
    }
    return reply.redirect(`/admin/workspaces/${workspace.id}?done=app_limits#apps`, 303);
  });

  app.post('/admin/workspaces/:id/members', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const invite = inviteInput.safeParse({ email: body(request).email, role: body(request).role });
    if (!invite.success)
      return settings(request, reply, workspace.id, undefined, undefined, {
        email: typeof body(request).email === 'string' ? String(body(request).email).slice(0, 320) : '',
        role: body(request).role === 'admin' ? 'admin' : 'member',
        error: messages(invite.error),
      });
    const result = await inviteMember(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      ...invite.data,
    });
    return done(reply, workspace.id, result);
  });

  app.post('/admin/workspaces/:id/members/:userId/role', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const role = roleInput.safeParse({ role: body(request).role });
    if (!role.success) return settings(request, reply, workspace.id, messages(role.error));
    await changeRole(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      userId: params(request).userId!,
      role: role.data.role,
    });
    return done(reply, workspace.id, 'role');
  });

  app.post('/admin/workspaces/:id/members/:userId/remove', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    const member = (await listMembers(db, workspace.id)).members.find(
      (m) => m.userId === params(request).userId,
    );
    if (member && body(request).confirm !== 'yes') {
      const page = confirmPage({
        email: request.user!.email,
        csrf: csrfToken(request, reply, secure),
        action: `/admin/workspaces/${workspace.id}/members/${member.userId}/remove`,
        button: `Remove ${member.email}`,
        what: `${member.email} (${member.role}) from ${workspace.name}`,
        consequence:
          'Every app they connected to this workspace and their personal access tokens for it are revoked within a second.',
        cancel: `/admin/workspaces/${workspace.id}`,
      });
      return sendPage(reply, page);
    }
    await removeMember(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      userId: params(request).userId!,
      accessTokenTtl: config.ttl.accessToken,
    });
    return reply.redirect(
      `/admin/workspaces/${workspace.id}?done=removed&who=${encodeURIComponent(member?.email ?? '')}`,
      303,
    );
  });

  app.post('/admin/workspaces/:id/invitations/cancel', async (request, reply) => {
    const workspace = await adminWorkspace(db, request.user!.id, params(request).id);
    await cancelInvitation(db, {
      actorUserId: request.user!.id,
      workspaceId: workspace.id,
      email: String(body(request).email ?? ''),
    });
    return done(reply, workspace.id, 'cancelled');
  });

  app.get('/admin/workspaces/:id/audit', async (request, reply) => {
    const user = request.user!;
    const workspace = await adminWorkspace(db, user.id, params(request).id);
    const q = auditQuery.parse(request.query ?? {});
    const filter = {
      ...(q.action ? { action: q.action } : {}),
      ...(q.member ? { member: q.member.toLowerCase() } : {}),
    };
    // One more than a page: whether there is an older page to offer.
    const rows = await listAudit(db, workspace.id, {
      ...filter,
      ...(q.before ? { before: q.before } : {}),
      limit: AUDIT_PAGE + 1,
    });
    const events = rows.slice(0, AUDIT_PAGE);
    const { members } = await listMembers(db, workspace.id);
    const page = auditPage({
      email: user.email,
      csrf: csrfToken(request, reply, secure),
      workspace,
      events,
      filter,
      members: members.map((m) => m.email),
      ...(rows.length > AUDIT_PAGE ? { nextBefore: events.at(-1)!.id } : {}),
      paged: q.before !== undefined,
    });
    return sendPage(reply, page);
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof WorkspaceError) {
      if (error.status === 404) return sendPage(reply, notFoundPage(), 404);
      // A refused change (last admin, already a member) shows on the page it was made from.
      const workspaceId = params(request).id;
      if (workspaceId) return settings(request, reply, workspaceId, error.message);
    }
    return sendFailurePage(error, request, reply, { logMessage: 'admin request failed' });
  });
};

const AUDIT_PAGE = 50;

/** The audit log's filter and page, from its query; anything unreadable is left out. */
const auditQuery = z.object({
  action: z.string().max(100).optional().catch(undefined),
  member: z.string().max(320).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

/** A refused connection's link fills in the value it needs (`?add_redirect_uri=…`); nothing is saved yet. */
const prefill = z.object({
  add_redirect_uri: z.string().max(2000).optional().catch(undefined),
  add_client_id: z.string().max(2000).optional().catch(undefined),
  add_scopes: z.string().max(200).optional().catch(undefined),
  enable_mcp: z.literal('on').optional().catch(undefined),
});

function prefilled(policy: WorkspacePolicy, query: Record<string, unknown>): WorkspacePolicy | undefined {
  const p = prefill.parse(query);
  if (!p.add_redirect_uri && !p.add_client_id && !p.add_scopes && !p.enable_mcp) return undefined;
  const add = <T>(list: T[], value: T | undefined) =>
    value && !list.includes(value) ? [...list, value] : list;
  const scopes = (p.add_scopes ?? '').split(' ').filter(isScope);
  return {
    ...policy,
    mcpEnabled: policy.mcpEnabled || p.enable_mcp === 'on',
    allowedRedirectUris: add(policy.allowedRedirectUris, p.add_redirect_uri),
    allowedClientIds: add(policy.allowedClientIds, p.add_client_id),
    scopeCeiling: SCOPES.filter((s) => policy.scopeCeiling.includes(s) || scopes.includes(s)),
  };
}

interface TypedPolicy {
  policy: WorkspacePolicy;
  errors?: Record<string, string[]>;
  confirmTokensOff?: boolean;
}

/** What the admin typed, in the page's terms, to show it back: nothing they entered is lost. */
function asPolicy(form: z.output<typeof policyForm>, saved: WorkspacePolicy): WorkspacePolicy {
  return {
    mcpEnabled: form.mcp_enabled,
    allowedRedirectUris: form.allowed_redirect_uris,
    allowedClientIds: form.allowed_client_ids,
    scopeCeiling: SCOPES.filter((s) => form.scope_ceiling.includes(s)),
    personalAccessTokensEnabled: form.personal_access_tokens_enabled,
    accessTokenTtl: keptLifetime(form.access_token_ttl, saved.accessTokenTtl),
    refreshTokenTtl: keptLifetime(form.refresh_token_ttl, saved.refreshTokenTtl),
    refreshTokensEnabled: form.refresh_tokens_enabled,
    enterpriseIdpIssuer: form.enterprise_idp_issuer.trim() || null,
    enterpriseJitMembership: form.enterprise_jit_membership,
    enterpriseEmailDomain: form.enterprise_email_domain.trim() || null,
    unknownClients: UNKNOWN_CLIENTS.find((c) => c === form.unknown_clients) ?? saved.unknownClients,
  };
}

const keptLifetime = (typed: number | null, saved: number | null) =>
  typed === null || Number.isFinite(typed) ? typed : saved;

/** Each message under the field it is about, one per line, as sentences. */
function errorsByField(error: z.ZodError): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    const text = `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}`;
    errors[field] = [...(errors[field] ?? []), /[.!?]$/.test(text) ? text : `${text}.`];
  }
  return errors;
}

function policySavedNotice({ revoked, tokens }: z.output<typeof policyDone>): string {
  const parts = ['Policy saved.'];
  if (revoked > 0)
    parts.push(
      `${revoked} connected app${revoked === 1 ? ' was' : 's were'} revoked: their client ID or redirect URI is no longer allowed.`,
    );
  if (tokens > 0) parts.push(`${tokens} personal access token${tokens === 1 ? ' was' : 's were'} revoked.`);
  return parts.join(' ');
}

function appBlockedNotice(revoked: number): string {
  return revoked === 0
    ? 'App blocked.'
    : `App blocked; ${revoked} connection${revoked === 1 ? ' was' : 's were'} revoked.`;
}

/** Every message of a refused change, as sentences. */
function sentences(error: z.ZodError): string {
  return Object.values(errorsByField(error)).flat().join(' ');
}

function messages(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join(' ');
}
