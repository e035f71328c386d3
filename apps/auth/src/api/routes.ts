import type { Database } from '@enclavia/db';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { workspacesOf } from '../accounts.js';
import type { AuthConfig } from '../config.js';
import { type TokenCreationLimit, tokenCreationRefused } from '../tokens/creation-limit.js';
import { connectedAppsIn, connectedAppsOf, revokeConnectedApp } from '../tokens/grants.js';
import {
  createPersonalAccessToken,
  createTokenInput,
  listPersonalAccessTokens,
  revokePersonalAccessToken,
} from '../tokens/personal-access-tokens.js';
import { csrfToken } from '../web/csrf.js';
import { appChange, appJson, listApps, updateApp } from '../workspace-apps/index.js';
import {
  adminWorkspace,
  cancelInvitation,
  changeRole,
  getPolicy,
  inviteInput,
  inviteMember,
  listAudit,
  listMembers,
  policyChange,
  policyJson,
  removeMember,
  roleInput,
  updatePolicy,
} from '../workspaces/index.js';
import { apiCsrf, apiSignIn, sendApiError } from './guards.js';

export interface ApiRoutesOptions {
  config: AuthConfig;
  db: Database;
  tokenCreation: TokenCreationLimit;
}

const workspaceParams = z.object({ id: z.string() });
const memberParams = z.object({ id: z.string(), userId: z.string() });
const invitationParams = z.object({ id: z.string(), email: z.string() });
/** A client ID in a path is URL-encoded: a metadata document's is an https URL. */
const clientParams = z.object({ id: z.string(), clientId: z.string().min(1).max(512) });
/** Filters of the audit log, as the MCP tool `audit_log_list` takes them. */
const auditQuery = z
  .object({
    action: z
      .string()
      .regex(/^[a-z_.]{1,100}$/, 'action is lowercase words and dots, e.g. grant.')
      .optional(),
    member: z.email('member must be an email address').max(254).toLowerCase().optional(),
    client: z.string().min(1).max(512).optional(),
    since: z.iso.datetime({ offset: true, error: 'since must be an ISO 8601 time' }).optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();

/**
 * The admin operations as JSON under /api/v1, for the signed-in browser session. Changes need the
 * `X-CSRF-Token` header (from GET /api/v1/session). Only a workspace's admins reach it; for
 * anyone else it does not exist (404).
 */
export const apiRoutes: FastifyPluginAsync<ApiRoutesOptions> = async (app, { config, db, tokenCreation }) => {
  const secure = new URL(config.issuer).protocol === 'https:';
  const origin = new URL(config.issuer).origin;
  const actor = (request: FastifyRequest) => request.user!.id;
  const workspaceOf = async (request: FastifyRequest) =>
    adminWorkspace(db, actor(request), workspaceParams.parse(request.params).id);

  app.addHook('preHandler', apiSignIn(db));
  app.addHook('preHandler', apiCsrf(origin));

  app.get('/api/v1/session', async (request, reply) => ({
    user: request.user,
    csrf_token: csrfToken(request, reply, secure),
  }));

  app.get('/api/v1/workspaces', async (request) => ({ workspaces: await workspacesOf(db, actor(request)) }));

  app.get('/api/v1/workspaces/:id/policy', async (request) => {
    const workspace = await workspaceOf(request);
    return { workspace, policy: policyJson(await getPolicy(db, workspace.id)) };
  });

  app.patch('/api/v1/workspaces/:id/policy', async (request) => {
    const workspace = await workspaceOf(request);
    const change = policyChange.parse(request.body ?? {});
    const { policy, effects } = await updatePolicy(db, {
      actorUserId: actor(request),
      workspaceId: workspace.id,
      change,
      server: config.ttl,
      production: config.nodeEnv === 'production',
    });
    return {
      workspace,
      policy: policyJson(policy),
      effects: { revoked_apps: effects.revokedApps, revoked_tokens: effects.revokedTokens },
    };
  });

  app.get('/api/v1/workspaces/:id/clients', async (request) => {
    const workspace = await workspaceOf(request);
    const policy = await getPolicy(db, workspace.id);
    return {
      workspace,
      unknown_clients: policy.unknownClients,
      clients: (await listApps(db, workspace.id, policy)).map(appJson),
    };
  });

  app.patch('/api/v1/workspaces/:id/clients/:clientId', async (request) => {
    const workspace = await workspaceOf(request);
    const { clientId } = clientParams.parse(request.params);
    const change = appChange.parse(request.body ?? {});
    const { revokedConnections } = await updateApp(db, {
      actorUserId: actor(request),
      workspaceId: workspace.id,
      clientId,
      change,
      server: config.ttl,
    });
    const policy = await getPolicy(db, workspace.id);
    const listed = (await listApps(db, workspace.id, policy)).find((a) => a.clientId === clientId);
    return {
      workspace,
      client: listed && appJson(listed),
      effects: { revoked_connections: revokedConnections },
    };
  });

  app.get('/api/v1/workspaces/:id/members', async (request) => {
    const workspace = await workspaceOf(request);
    return { workspace, ...(await listMembers(db, workspace.id)) };
  });

  app.post('/api/v1/workspaces/:id/members', async (request, reply) => {
    const workspace = await workspaceOf(request);
    const { email, role } = inviteInput.parse(request.body ?? {});
    const result = await inviteMember(db, {
      actorUserId: actor(request),
      workspaceId: workspace.id,
      email,
      role,
    });
    return reply.status(result === 'added' ? 201 : 202).send({ result, email, role });
  });

  app.patch('/api/v1/workspaces/:id/members/:userId', async (request) => {
    const workspace = await workspaceOf(request);
    const { userId } = memberParams.parse(request.params);
    const { role } = roleInput.parse(request.body ?? {});
    await changeRole(db, { actorUserId: actor(request), workspaceId: workspace.id, userId, role });
    return { user_id: userId, role };
  });

  app.delete('/api/v1/workspaces/:id/members/:userId', async (request, reply) => {
    const workspace = await workspaceOf(request);
    const { userId } = memberParams.parse(request.params);
    await removeMember(db, {
      actorUserId: actor(request),
      workspaceId: workspace.id,
      userId,
      accessTokenTtl: config.ttl.accessToken,
    });
    return reply.status(204).send();
  });

  app.delete('/api/v1/workspaces/:id/invitations/:email', async (request, reply) => {
    const workspace = await workspaceOf(request);
    const { email } = invitationParams.parse(request.params);
    await cancelInvitation(db, { actorUserId: actor(request), workspaceId: workspace.id, email });
    return reply.status(204).send();
  });

  app.get('/api/v1/workspaces/:id/audit', async (request) => {
    const workspace = await workspaceOf(request);
    const { since, ...filter } = auditQuery.parse(request.query);
    return {
      workspace,
      events: await listAudit(db, workspace.id, { ...filter, ...(since ? { since: new Date(since) } : {}) }),
    };
  });

  app.get('/api/v1/grants', async (request) => ({ grants: await connectedAppsOf(db, actor(request)) }));

  app.get('/api/v1/workspaces/:id/grants', async (request) => {
    const workspace = await workspaceOf(request);
    return { workspace, grants: await connectedAppsIn(db, workspace.id) };
  });

  app.delete('/api/v1/grants/:grantId', async (request, reply) => {
    const { grantId } = z.object({ grantId: z.string() }).parse(request.params);
    await revokeConnectedApp(db, {
      actorUserId: actor(request),
      grantId,
      accessTokenTtl: config.ttl.accessToken,
    });
    return reply.status(204).send();
  });

  app.get('/api/v1/tokens', async (request) => ({
    tokens: await listPersonalAccessTokens(db, actor(request)),
  }));

  app.post('/api/v1/tokens', async (request, reply) => {
    const input = createTokenInput.parse(request.body ?? {});
    const limited = tokenCreation(actor(request));
    if (!limited.allowed) {
      return reply
        .status(429)
        .header('retry-after', String(limited.retryAfter))
        .send({ error: 'too_many_requests', message: tokenCreationRefused(limited) });
    }
    const { token, record } = await createPersonalAccessToken(db, { userId: actor(request), input });
    return reply.status(201).send({
      token,
      id: record.id,
      name: record.name,
      prefix: record.prefix,
      workspace_id: record.workspaceId,
      scopes: record.scope.split(' '),
      expires_at: record.expiresAt,
    });
  });

  app.delete('/api/v1/tokens/:tokenId', async (request, reply) => {
    const { tokenId } = z.object({ tokenId: z.string() }).parse(request.params);
    await revokePersonalAccessToken(db, { actorUserId: actor(request), id: tokenId });
    return reply.status(204).send();
  });

  app.setErrorHandler(sendApiError);
};
