import { appLimitsOf, type WorkspacePolicy, withAppLimits } from '@enclavia/access';
import { AUDIT_SCOPE, DEFAULT_SCOPES, POLICY_ERRORS, SCOPES, type Scope } from '@enclavia/contract';
import { type Database, grants, recordAudit } from '@enclavia/db';
import { errors, type KoaContextWithOIDC, type Provider, type ResourceServer } from 'oidc-provider';
import { type AppStatus, recordContact } from '../workspace-apps/index.js';
import { clientAllowed } from '../workspaces/policy.js';
import { IdJagRefused, type TrustedIdJag, verifyIdJag } from './id-jag.js';
import type { IssuerKeys } from './issuer-keys.js';
import { type EnterpriseMember, enterpriseMember } from './subject.js';

/** RFC 7523's grant type, with which a client presents an ID-JAG at the token endpoint. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** `grants.via` of a connection made through the workspace's company identity provider. */
export const VIA_ENTERPRISE_IDP = 'enterprise_idp';

export interface EnterpriseGrantDeps {
  db: Database;
  keys: IssuerKeys;
  production: boolean;
  issuer: string;
  mcpResource: string;
  resources: ReadonlySet<string>;
  /** What a token for the MCP server looks like under this workspace policy (provider.ts). */
  resourceServerInfo(policy: WorkspacePolicy): ResourceServer;
}

/**
 * Enterprise-managed authorization: `/token` takes an ID-JAG from the company IdP a workspace
 * trusts, and answers with the same access token a consent would give (bound to a Grant of the
 * user and workspace, so revocation, the live policy and Connected apps treat it alike), without a
 * browser and without a refresh token. Every refusal is `invalid_grant` saying which rule failed,
 * and is audited in the trusting workspace once it is known.
 */
export function acceptEnterpriseGrants(provider: Provider, deps: EnterpriseGrantDeps): void {
  provider.registerGrantType(
    JWT_BEARER_GRANT,
    async (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client!;
      const params = ctx.oidc.params as { assertion?: string; scope?: string; resource?: string };
      if (!params.assertion) throw new errors.InvalidRequest("missing required parameter 'assertion'");
      if (params.resource !== undefined && !deps.resources.has(params.resource))
        throw new errors.InvalidTarget(`unknown resource: ${params.resource}`);
      try {
        const jag = await verifyIdJag(params.assertion, {
          db: deps.db,
          keys: deps.keys,
          production: deps.production,
          issuer: deps.issuer,
          resources: deps.resources,
          clientId: client.clientId,
          spendJti: (iss, jti, exp) => spendJti(provider, iss, jti, exp),
        });
        const member = await enterpriseMember(deps.db, jag);
        // The app is one of the workspace's apps from its first grant, whatever the answer.
        const { app, standing } = await recordContact(deps.db, jag.policy, {
          workspaceId: jag.workspaceId,
          clientId: client.clientId,
          clientName: client.clientName ?? client.clientId,
          identifiedBy: 'enterprise_grant',
          userId: member.user.id,
        });
        const bound = { ...jag, policy: withAppLimits(jag.policy, appLimitsOf(app)) };
        const scopes = grantableScopes(bound, member, { clientId: client.clientId, standing }, params.scope);
        ctx.body = await issueAccessToken(provider, ctx, deps, { jag: bound, member, scopes });
      } catch (error) {
        if (!(error instanceof IdJagRefused)) throw error;
        if (error.workspaceId) await auditRefusal(deps.db, error, client.clientId);
        throw new errors.CustomOIDCProviderError('invalid_grant', error.message);
      }
    },
    ['assertion', 'scope', 'resource'],
  );
}

/**
 * What the token may do: what the client asked for (the default set when it names none of ours),
 * within what the IdP granted in the ID-JAG, within the workspace's ceiling, and `audit:read` for
 * the workspace's admins only. Nothing left is a refusal, never an empty token.
 */
function grantableScopes(
  { claims, policy, workspaceId }: TrustedIdJag,
  { role }: EnterpriseMember,
  { clientId, standing }: { clientId: string; standing: AppStatus },
  asked: string | undefined,
): Scope[] {
  const refuse = (rule: string, message: string) => new IdJagRefused(rule, message, workspaceId);
  if (!policy.mcpEnabled) throw refuse('mcp_disabled', POLICY_ERRORS.disabled);
  if (!clientAllowed(policy, clientId)) throw refuse('client_id', POLICY_ERRORS.clientId);
  if (standing === 'blocked') throw refuse('app_blocked', POLICY_ERRORS.clientId);
  // No browser to ask in: the member's request waits in the workspace's Apps, like a consent's.
  if (standing === 'pending') throw refuse('app_approval', POLICY_ERRORS.approval);
  const words = (s: string | undefined) => (s ?? '').split(' ').filter(Boolean);
  const ours = words(asked).filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
  const requested = ours.length > 0 ? ours : [...DEFAULT_SCOPES];
  const fromIdp = claims.scope === undefined ? undefined : new Set(words(claims.scope));
  const granted = requested.filter(
    (s) =>
      (!fromIdp || fromIdp.has(s)) &&
      policy.scopeCeiling.includes(s) &&
      (s !== AUDIT_SCOPE || role === 'admin'),
  );
  if (granted.length === 0) throw refuse('scopes', POLICY_ERRORS.scopes);
  return granted;
}

/**
 * Spends the `jti` in oidc-provider's replay store (our database, shared by every process, as for
 * private_key_jwt client assertions); its adapter throws when a concurrent request saved it first.
 */
async function spendJti(provider: Provider, issuer: string, jti: string, exp: number): Promise<boolean> {
  try {
    // Its own namespace: a client assertion's `iss` is a client id, which may be any URL.
    return await provider.ReplayDetection.unique(`id-jag ${issuer}`, jti, exp);
  } catch (error) {
    if (error instanceof errors.InvalidClientAuth) return false;
    throw error;
  }
}

async function issueAccessToken(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  deps: EnterpriseGrantDeps,
  { jag, member, scopes }: { jag: TrustedIdJag; member: EnterpriseMember; scopes: Scope[] },
) {
  const client = ctx.oidc.client!;
  const scope = scopes.join(' ');
  const grant = new provider.Grant({ accountId: member.user.id, clientId: client.clientId });
  grant.addResourceScope(deps.mcpResource, scope);
  const grantId = await grant.save();
  await deps.db.transaction(async (tx) => {
    await tx.insert(grants).values({
      id: grantId,
      userId: member.user.id,
      workspaceId: jag.workspaceId,
      clientId: client.clientId,
      clientName: client.clientName ?? client.clientId,
      scope,
      via: VIA_ENTERPRISE_IDP,
    });
    await recordAudit(tx, {
      workspaceId: jag.workspaceId,
      actorUserId: member.user.id,
      action: 'grant.enterprise',
      target: client.clientName ? `${client.clientName} (${client.clientId})` : client.clientId,
      subjectUserId: member.user.id,
      clientId: client.clientId,
      after: { scope, issuer: jag.claims.iss, subject: jag.claims.sub },
    });
  });

  const token = new provider.AccessToken({
    accountId: member.user.id,
    client,
    grantId,
    gty: 'jwt_bearer',
    scope,
  });
  token.resourceServer = new provider.ResourceServer(deps.mcpResource, deps.resourceServerInfo(jag.policy));
  ctx.oidc.entity('AccessToken', token);
  const accessToken = await token.save();
  return { access_token: accessToken, token_type: 'Bearer', expires_in: token.expiration, scope };
}

async function auditRefusal(db: Database, refusal: IdJagRefused, clientId: string): Promise<void> {
  await recordAudit(db, {
    workspaceId: refusal.workspaceId!,
    actorUserId: null,
    action: 'grant.enterprise_refused',
    target: clientId,
    clientId,
    after: { rule: refusal.rule, reason: refusal.message },
  });
}
