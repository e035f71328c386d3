import { appLimitsOf, withAppLimits } from '@enclavia/access';
import { AUDIT_SCOPE, POLICY_ERRORS, parseScopes, type Scope } from '@enclavia/contract';
import { type Database, recordAudit } from '@enclavia/db';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errors, type InteractionResults, type Provider } from 'oidc-provider';
import { z } from 'zod';
import {
  AccountDisabledError,
  bindGrant,
  findUser,
  signInWithEmail,
  type WorkspaceChoice,
  workspacesOf,
} from '../accounts.js';
import type { AuthConfig } from '../config.js';
import { takeUpstreamLogin } from '../login/handoff.js';
import { KNOWN_CIMD_CLIENTS } from '../oidc/known-clients.js';
import { PROVIDER_ROUTES } from '../oidc/provider.js';
import { endProviderSession } from '../session/provider-session.js';
import { endWebSession, sessionUser, startWebSession } from '../session/web-session.js';
import { connectedAppsOf } from '../tokens/grants.js';
import type { UpstreamIdentityProvider, UpstreamProviderId } from '../upstream/index.js';
import { csrfToken, isValidCsrf } from '../web/csrf.js';
import { sendFailurePage } from '../web/failure-page.js';
import type { Html } from '../web/html.js';
import { errorPage, type RenderedPage } from '../web/page.js';
import { typedEmail } from '../web/sign-in.js';
import { appStanding, findApp, identifiedBy, recordContact } from '../workspace-apps/index.js';
import { listMembers } from '../workspaces/members.js';
import { checkConsent, clientRefusal, getPolicy } from '../workspaces/policy.js';
import { approvalNotice, type RefusalContext, refusalDetails } from './refusal-view.js';
import {
  awaitingApprovalPage,
  type ClientView,
  consentPage,
  deniedPage,
  loginPage,
  type ScopeOffer,
} from './views.js';

const KNOWN_CLIENT_IDS = new Set(KNOWN_CIMD_CLIENTS.map((c) => String(c.client_id)));

export interface InteractionRoutesOptions {
  config: AuthConfig;
  db: Database;
  provider: Provider;
  upstream: Map<UpstreamProviderId, UpstreamIdentityProvider>;
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

const uidParams = z.object({ uid: z.string().min(1).max(100) });
const loginBody = z.object({ csrf: z.string().optional(), email: z.email().max(254) });
const consentBody = z.object({
  csrf: z.string().optional(),
  decision: z.enum(['approve', 'deny']),
  scope: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((s) => (s === undefined ? [] : [s].flat())),
  workspace: z.uuid().optional(),
});

/**
 * Our login and consent pages for oidc-provider's interactions. Each step re-reads the interaction
 * from its cookie, so a page can only act on the sign-in the browser itself started.
 */
export const interactionRoutes: FastifyPluginAsync<InteractionRoutesOptions> = async (
  app,
  { config, db, provider, upstream },
) => {
  const upstreamOrigins = [...upstream.values()].map((u) => u.authorizationUrl('state', 'verifier').origin);
  const secure = new URL(config.issuer).protocol === 'https:';
  const origin = new URL(config.issuer).origin;

  const send = (reply: FastifyReply, page: RenderedPage, status = 200) =>
    reply.status(status).headers(page.headers).send(page.body);

  const finish = async (request: FastifyRequest, reply: FastifyReply, result: InteractionResults) => {
    const to = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    return reply.redirect(to, 303);
  };

  const denied = (request: FastifyRequest, reply: FastifyReply) =>
    finish(request, reply, { error: 'access_denied', error_description: 'The user denied access.' });

  const clientOf = async (interaction: Interaction): Promise<ClientView> => {
    const id = String(interaction.params.client_id);
    const client = await provider.Client.find(id);
    return { id, name: client?.clientName ?? id };
  };

  /**
   * The workspace's policy as it binds this client (narrowed by the app's own limits), and how the
   * client stands there. An admin's own Approve approves an app waiting for approval.
   */
  const appPolicy = async (workspace: WorkspaceChoice, clientId: string) => {
    const policy = await getPolicy(db, workspace.id);
    const app = await findApp(db, workspace.id, clientId);
    const standing = appStanding(policy, app, clientId);
    return {
      policy: withAppLimits(policy, app && appLimitsOf(app)),
      app,
      standing: standing === 'pending' && workspace.role === 'admin' ? ('approved' as const) : standing,
    };
  };

  /** What the workspace's policy says of this connection before anyone presses Approve. */
  const policyView = async (workspace: WorkspaceChoice, interaction: Interaction, clientId: string) => {
    const { policy, app, standing } = await appPolicy(workspace, clientId);
    const refusal = clientRefusal(policy, {
      redirectUri: String(interaction.params.redirect_uri),
      clientId,
      standing,
    });
    const allowed = (s: Scope) =>
      policy.scopeCeiling.includes(s) && (s !== AUDIT_SCOPE || workspace.role === 'admin');
    // Waiting for an admin is not a refusal: Approve sends (or repeats) the request.
    if (refusal?.error === POLICY_ERRORS.approval)
      return {
        policy,
        allowed,
        awaiting: { requested: app?.requestedBy === interaction.session?.accountId },
      };
    return { policy, refusal, allowed };
  };

  const refusalContext = async (workspace: WorkspaceChoice): Promise<RefusalContext> => ({
    workspace,
    admins: (await listMembers(db, workspace.id)).members
      .filter((m) => m.role === 'admin')
      .map((m) => m.email),
    isAdmin: workspace.role === 'admin',
  });

  const renderConsent = async (
    request: FastifyRequest,
    reply: FastifyReply,
    interaction: Interaction,
    error?: string | Html,
  ) => {
    const accountId = interaction.session?.accountId;
    const user = accountId ? await findUser(db, accountId) : undefined;
    if (!user) throw new errors.SessionNotFound('the signed-in user no longer exists');
    const client = await clientOf(interaction);
    const workspaces = await workspacesOf(db, user.id);
    const views = await Promise.all(workspaces.map((w) => policyView(w, interaction, client.id)));
    const asked = requestedScopes(interaction);
    // Scopes are judged against the workspace that would be used: the only one, or the first.
    const [first] = views;
    const previous = await connectedAppsOf(db, user.id);
    const destroyBefore = previous.some(
      (a) => a.clientId === client.id && a.scope.split(' ').includes('enclaves:destroy'),
    );
    const scopes: ScopeOffer[] = asked.map((scope) => {
      const allowedSomewhere = views.some((v) => v.allowed(scope));
      if (!allowedSomewhere || (views.length === 1 && first && !first.allowed(scope)))
        return {
          scope,
          ticked: false,
          notAllowed:
            scope === AUDIT_SCOPE && workspaces.every((w) => w.role !== 'admin')
              ? 'only for workspace admins'
              : 'not allowed in this workspace (its scope ceiling)',
        };
      // Offered unticked unless approved before for this app: reading the audit log, destroying.
      const ticked = scope === AUDIT_SCOPE ? false : scope === 'enclaves:destroy' ? destroyBefore : true;
      return { scope, ticked };
    });
    const allRefuse = views.length > 0 && views.every((v) => v.refusal);
    const onlyRefusal = views.length === 1 && first?.refusal ? first.refusal : undefined;
    const nothingAllowed = asked.length > 0 && scopes.every((s) => s.notAllowed) && views.length === 1;
    const shownRefusal =
      onlyRefusal ??
      (nothingAllowed ? { error: POLICY_ERRORS.scopes, value: asked.join(' ') } : undefined) ??
      (allRefuse ? views[0]!.refusal : undefined);
    const awaiting = !shownRefusal && first?.awaiting && workspaces[0] ? first.awaiting : undefined;
    // Approve is off where the app is not let in, so its one workspace hears of it now: listed
    // there (as blocked), where an admin can decide.
    if (onlyRefusal?.error === POLICY_ERRORS.clientId && first && workspaces[0]) {
      await recordContact(db, first.policy, {
        workspaceId: workspaces[0].id,
        clientId: client.id,
        clientName: client.name,
        identifiedBy: identifiedBy(client.id, 'consent'),
        redirectUri: String(interaction.params.redirect_uri),
        userId: user.id,
      });
    }
    const page = consentPage({
      uid: interaction.uid,
      csrf: csrfToken(request, reply, secure),
      client,
      clientVerified: KNOWN_CLIENT_IDS.has(client.id),
      email: user.email,
      redirectUri: new URL(String(interaction.params.redirect_uri)),
      scopes,
      workspaces: workspaces.map((w, i) => ({
        ...w,
        ...(views[i]?.refusal ? { refused: views[i]!.refusal!.error } : {}),
        ...(views[i]?.awaiting ? { awaiting: true } : {}),
      })),
      ...(shownRefusal && workspaces[0]
        ? { refusal: refusalDetails(shownRefusal, await refusalContext(workspaces[0])) }
        : {}),
      ...(awaiting && workspaces[0]
        ? { notice: approvalNotice({ ...(await refusalContext(workspaces[0])), sent: awaiting.requested }) }
        : {}),
      ...(error ? { error } : {}),
    });
    return send(reply, page, error ? 400 : 200);
  };

  const renderLogin = async (
    request: FastifyRequest,
    reply: FastifyReply,
    interaction: Interaction,
    error?: string,
  ) => {
    const page = loginPage({
      uid: interaction.uid,
      csrf: csrfToken(request, reply, secure),
      client: await clientOf(interaction),
      devLogin: config.devLogin,
      upstream: [...upstream.values()].map(({ id, label }) => ({ id, label })),
      upstreamOrigins,
      ...(error ? { error } : {}),
      ...(error && typedEmail(request) ? { email: typedEmail(request)! } : {}),
    });
    return send(reply, page, error ? 400 : 200);
  };

  app.get('/interaction/:uid', async (request, reply) => {
    uidParams.parse(request.params);
    const interaction = await provider.interactionDetails(request.raw, reply.raw);
    if (interaction.prompt.name === 'login') {
      // One sign-in: a browser signed in to the dashboard goes straight to consent, unless the
      // app asked for a fresh sign-in (`prompt=login`, `max_age`).
      const signedIn = await sessionUser(db, request);
      const fresh = interaction.prompt.reasons.some((r) => r === 'login_prompt' || r === 'max_age');
      if (signedIn && !fresh) return finish(request, reply, { login: { accountId: signedIn.id } });
      return renderLogin(request, reply, interaction);
    }
    return renderConsent(request, reply, interaction);
  });

  app.post('/interaction/:uid/login', async (request, reply) => {
    uidParams.parse(request.params);
    const interaction = await provider.interactionDetails(request.raw, reply.raw);
    if (interaction.prompt.name !== 'login') return reply.redirect(`/interaction/${interaction.uid}`, 303);
    const body = loginBody.safeParse(request.body);
    if (!isValidCsrf(request, body.data?.csrf ?? bodyField(request, 'csrf'), origin)) return forbidden(reply);
    if (!config.devLogin)
      return send(reply, errorPage('Sign-in unavailable', 'The development login is turned off.'), 403);
    if (!body.success) return renderLogin(request, reply, interaction, 'Enter a valid email address.');
    const user = await signInWithEmail(db, body.data.email).catch((error: unknown) => {
      if (error instanceof AccountDisabledError) return undefined;
      throw error;
    });
    if (!user) return renderLogin(request, reply, interaction, 'This account is disabled.');
    // One sign-in: the dashboard knows this browser from now on too.
    await startWebSession(db, reply, user.id, secure);
    return finish(request, reply, { login: { accountId: user.id } });
  });

  // Where a GitHub or Google sign-in comes back to: the login route proved who it is and left that
  // in a cookie only this interaction's path receives, to be used once.
  app.get('/interaction/:uid/upstream', async (request, reply) => {
    const { uid } = uidParams.parse(request.params);
    const interaction = await provider.interactionDetails(request.raw, reply.raw);
    const taken = takeUpstreamLogin(request, reply, uid, secure);
    if (interaction.prompt.name !== 'login') return reply.redirect(`/interaction/${interaction.uid}`, 303);
    if (taken.status !== 'ok' || taken.value.uid !== interaction.uid) {
      return renderLogin(
        request,
        reply,
        interaction,
        'That sign-in could not be completed. Please sign in again.',
      );
    }
    await startWebSession(db, reply, taken.value.userId, secure);
    return finish(request, reply, { login: { accountId: taken.value.userId } });
  });

  // "Not you?": this browser's sign-ins end, and the same authorization starts again from sign-in.
  app.post('/interaction/:uid/switch', async (request, reply) => {
    uidParams.parse(request.params);
    const interaction = await provider.interactionDetails(request.raw, reply.raw);
    if (!isValidCsrf(request, bodyField(request, 'csrf'), origin)) return forbidden(reply);
    await endWebSession(db, request, reply);
    await endProviderSession(provider, request, reply);
    const again = new URL(PROVIDER_ROUTES.authorization, config.issuer);
    for (const [name, value] of Object.entries(interaction.params)) {
      for (const v of [value].flat()) if (typeof v === 'string') again.searchParams.append(name, v);
    }
    again.searchParams.set('prompt', 'login');
    return reply.redirect(`${again.pathname}${again.search}`, 303);
  });

  app.post('/interaction/:uid/consent', async (request, reply) => {
    uidParams.parse(request.params);
    const interaction = await provider.interactionDetails(request.raw, reply.raw);
    if (interaction.prompt.name !== 'consent') return reply.redirect(`/interaction/${interaction.uid}`, 303);
    const body = consentBody.safeParse(request.body);
    if (!isValidCsrf(request, body.data?.csrf ?? bodyField(request, 'csrf'), origin)) return forbidden(reply);
    if (!body.success) return send(reply, errorPage('Bad request', 'The consent form was incomplete.'), 400);
    const accountId = interaction.session!.accountId;
    const workspaces = await workspacesOf(db, accountId);
    const workspace = workspaces.find((w) => w.id === (body.data.workspace ?? workspaces[0]?.id));
    const client = await clientOf(interaction);
    const redirectUri = String(interaction.params.redirect_uri);
    const about = {
      actorUserId: accountId,
      subjectUserId: accountId,
      clientId: client.id,
      target: clientLabel(client),
    };

    if (body.data.decision === 'deny') {
      if (!workspace) return denied(request, reply);
      await recordAudit(db, { workspaceId: workspace.id, action: 'grant.denied', ...about });
      const { policy, standing } = await appPolicy(workspace, client.id);
      const refusal = clientRefusal(policy, { redirectUri, clientId: client.id, standing });
      // The workspace does not allow answering this client there: the user is told, the app is not.
      if (refusal) {
        request.log.info(
          {
            event: 'connection_refused',
            reason: refusal.error,
            workspaceId: workspace.id,
            userId: accountId,
            clientId: client.id,
          },
          'connection refused by workspace policy',
        );
        return send(
          reply,
          deniedPage(refusal, refusalDetails(refusal, await refusalContext(workspace))),
          400,
        );
      }
      return denied(request, reply);
    }

    const ticked = new Set(body.data.scope);
    const asked = requestedScopes(interaction).filter((s) => ticked.has(s));
    if (asked.length === 0)
      return renderConsent(request, reply, interaction, 'Choose at least one permission, or Deny.');
    if (!workspace) return renderConsent(request, reply, interaction, 'Choose one of your workspaces.');

    const { policy, standing } = await appPolicy(workspace, client.id);
    const verdict = checkConsent(policy, {
      redirectUri,
      clientId: client.id,
      standing,
      scopes: asked,
      role: workspace.role,
    });
    // Every client that asks to connect is one of the workspace's apps, whatever the answer.
    const contact = {
      workspaceId: workspace.id,
      clientId: client.id,
      clientName: client.name,
      identifiedBy: identifiedBy(client.id, 'consent'),
      redirectUri,
      userId: accountId,
    };
    if ('error' in verdict && verdict.error === POLICY_ERRORS.approval) {
      await recordContact(db, policy, contact);
      request.log.info(
        {
          event: 'app_approval_requested',
          workspaceId: workspace.id,
          userId: accountId,
          clientId: client.id,
        },
        'app waits for an admin of the workspace',
      );
      return send(
        reply,
        awaitingApprovalPage(client, approvalNotice({ ...(await refusalContext(workspace)), sent: true })),
        403,
      );
    }
    if ('error' in verdict && verdict.error === POLICY_ERRORS.clientId)
      await recordContact(db, policy, contact);
    // Shown here, never sent to a redirect URI the workspace does not allow.
    if ('error' in verdict) {
      request.log.info(
        {
          event: 'connection_refused',
          reason: verdict.error,
          workspaceId: workspace.id,
          userId: accountId,
          clientId: client.id,
        },
        'connection refused by workspace policy',
      );
      await recordAudit(db, {
        workspaceId: workspace.id,
        action: 'grant.refused',
        ...about,
        after: { rule: verdict.error, ...(verdict.value ? { value: verdict.value } : {}) },
      });
      return renderConsent(
        request,
        reply,
        interaction,
        refusalDetails(verdict, await refusalContext(workspace)),
      );
    }
    const granted = verdict.granted;

    // A fresh grant for every approval: exactly what this consent allows, for this workspace.
    const grant = new provider.Grant({ accountId, clientId: client.id });
    const oidcScopes = String(interaction.params.scope ?? '')
      .split(' ')
      .filter((s) => OIDC_SCOPES.has(s));
    if (oidcScopes.length > 0) grant.addOIDCScope(oidcScopes.join(' '));
    for (const resource of requestedResources(interaction, config.mcpResource)) {
      grant.addResourceScope(resource, granted.join(' '));
    }
    const grantId = await grant.save();
    // An admin's Approve also approves an app the workspace asks admins to approve.
    await recordContact(db, policy, contact, workspace.role === 'admin' ? { approvedBy: accountId } : {});
    await bindGrant(db, {
      grantId,
      userId: accountId,
      workspaceId: workspace.id,
      clientId: client.id,
      clientName: client.name,
      scope: granted.join(' '),
      redirectUri,
    });
    return finish(request, reply, { consent: { grantId } });
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof errors.SessionNotFound || error instanceof errors.InvalidRequest) {
      const page = errorPage(
        'This sign-in has expired',
        'The sign-in you were completing is no longer open: it timed out, was finished already, or was started in another browser.',
        'Go back to the app you were connecting and start the connection again.',
      );
      return send(reply, page, 400);
    }
    if (error instanceof z.ZodError)
      return send(reply, errorPage('Bad request', 'The page address is not valid.'), 400);
    return sendFailurePage(error, request, reply, {
      logMessage: 'interaction failed',
      failed: 'The sign-in could not be completed.',
    });
  });
};

/** Our scopes the client asked for, as the consent page offers them. */
function requestedScopes(interaction: Interaction): Scope[] {
  return parseScopes(String(interaction.params.scope ?? ''));
}

/** How the audit log names an app: its name, and the client ID that proves which one. */
function clientLabel(client: ClientView): string {
  return client.name === client.id ? client.id : `${client.name} (${client.id})`;
}

const OIDC_SCOPES = new Set(['openid', 'offline_access', 'email']);

/** The resource indicators of the request, spelled as the client spelled them; the MCP URL by default. */
function requestedResources(interaction: Interaction, defaultResource: string): string[] {
  const resource = interaction.params.resource;
  if (typeof resource === 'string') return [resource];
  if (Array.isArray(resource)) return resource.map(String);
  return [defaultResource];
}

function bodyField(request: FastifyRequest, name: string): string | undefined {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function forbidden(reply: FastifyReply) {
  const page = errorPage(
    'Request refused',
    'This form was not submitted from this sign-in page (CSRF check failed).',
    'Reload the page and try again.',
  );
  return reply.status(403).headers(page.headers).send(page.body);
}
