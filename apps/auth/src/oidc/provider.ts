import type { LivePolicies, LivePolicy } from '@enclavia/access';
import { ACCESS_TOKEN_ALG, CLAIMS, DEFAULT_SCOPES, resourceAliases, SCOPES } from '@enclavia/contract';
import { createOidcAdapterFactory, type Database } from '@enclavia/db';
import {
  type Configuration,
  errors,
  interactionPolicy,
  type KoaContextWithOIDC,
  Provider,
  type ResourceServer,
} from 'oidc-provider';
import { grantIdentities, usersById } from '../accounts.js';
import type { AuthConfig } from '../config.js';
import { issuerKeys } from '../enterprise/issuer-keys.js';
import { acceptEnterpriseGrants } from '../enterprise/jwt-bearer-grant.js';
import { renderErrorPage, showAuthorizationErrorsUntilGranted } from './authorization-errors.js';
import { cliClientMetadata } from './cli-client.js';
import { CLIENT_AUTHENTICATION } from './client-auth.js';
import { keepClientKeys } from './client-keys.js';
import { APPLICATION_TYPE_UNSENT, clientMetadataPolicy, matchRedirectUrisExactly } from './client-policy.js';
import { rememberDocumentFailures } from './document-failures.js';
import { grantPolicies } from './grant-policy.js';
import { refuseControlCharactersInProvider } from './input-guard.js';
import type { ServerKeys } from './keys.js';
import { KNOWN_CIMD_CLIENTS } from './known-clients.js';
import { CLIENT_JWKS_MAX_BYTES, guardedFetch } from './outbound-fetch.js';
import { revocationByProvider } from './provider-revocations.js';

/** The provider's routes, named as the contract names them (also the MCP 2025-03-26 fallback paths). */
export const PROVIDER_ROUTES = {
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  jwks: '/jwks',
} as const;

export interface ProviderDeps {
  config: AuthConfig;
  db: Database;
  keys: ServerKeys;
  /** Every workspace's policy as it binds live connections, kept current by NOTIFY. */
  policies: LivePolicies;
  /** Outbound HTTP for client ID metadata documents and client JWKS; oidc-provider passes an SSRF-guarded dispatcher. */
  fetch?: Configuration['fetch'];
  /** Told when a used refresh token is presented again (metrics). */
  onRefreshReuse?: (withinGrace: boolean) => void;
}

export function createProvider({
  config,
  db,
  keys,
  policies,
  fetch,
  onRefreshReuse,
}: ProviderDeps): Provider {
  const aliases = resourceAliases(config.mcpResource);
  const identities = grantIdentities(db);
  const findUser = usersById(db);
  const grantPolicy = grantPolicies(identities, policies, config.ttl);
  const mcpResourceServer = (policy: LivePolicy | undefined): ResourceServer => ({
    scope: grantPolicy.resourceScopes(policy).join(' '),
    audience: config.mcpResource,
    accessTokenTTL: grantPolicy.accessTokenTtl(policy),
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: ACCESS_TOKEN_ALG } },
  });

  const configuration: Configuration = {
    adapter: createOidcAdapterFactory(db, {
      alreadyConsumed: () => new errors.InvalidGrant('authorization code or refresh token already used'),
      replayed: () => new errors.InvalidClientAuth('client assertion tokens must only be used once'),
      onGrantDestroyed: revocationByProvider({ accessTokenTtl: config.ttl.accessToken }),
      refreshTokenReuseGraceSeconds: config.refreshReuseGraceSeconds,
      ...(onRefreshReuse ? { onRefreshReuse } : {}),
    }),
    jwks: { keys: keys.signing as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: keys.cookie },
    routes: PROVIDER_ROUTES,
    clients: [...KNOWN_CIMD_CLIENTS, cliClientMetadata(config.issuer)],
    fetch: guardedFetch(fetch),
    fetchResponseBodyLimits: { jwks_uri: CLIENT_JWKS_MAX_BYTES },
    scopes: ['openid', 'offline_access', ...SCOPES],
    claims: { openid: ['sub'], email: ['email'] },
    ...CLIENT_AUTHENTICATION,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: ACCESS_TOKEN_ALG,
      ...APPLICATION_TYPE_UNSENT,
    },
    extraClientMetadata: clientMetadataPolicy,
    pkce: { required: () => true },
    responseTypes: ['code'],
    // Asked at every code exchange and refresh with the code or token as `source`: the one place a
    // grant is checked against its workspace's current policy before anything is issued.
    findAccount: async (_ctx, sub, source) => {
      if (source?.grantId) await grantPolicy.assertUsable(source.grantId);
      const user = await findUser(sub);
      return user && { accountId: user.id, claims: () => ({ sub: user.id, email: user.email }) };
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: interactionPolicyWithConsentEveryTime(),
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      // Client ID metadata documents: https only, no redirects, 2.5 s, 5 KB, never a private,
      // loopback or link-local address (oidc-provider's guarded fetch), cached per Cache-Control.
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        cacheDuration: { min: config.cimdCache.min, max: config.cimdCache.max },
      },
      revocation: { enabled: true },
      // Nothing links to /session/end: `POST /logout` ends the provider's session itself
      // (session/provider-session.ts). Off, its pages (no CSP, Google Fonts) and its redirect to a
      // client's post_logout_redirect_uri are gone too.
      rpInitiatedLogout: { enabled: false },
      // The MCP server does not check `cnf`: DPoP tokens would be bearer tokens in disguise.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      userinfo: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => config.mcpResource,
        // A token request without `resource` gets the audience granted at authorization, never an
        // opaque userinfo token.
        useGrantedResource: () => true,
        // At the token endpoint the grant is known: its tokens carry what it was granted within the
        // current ceiling of its workspace, for the workspace's access token lifetime.
        getResourceServerInfo: async (ctx, indicator) => {
          if (!aliases.has(indicator)) throw new errors.InvalidTarget(`unknown resource: ${indicator}`);
          const grantId = ctx.oidc.entities.Grant?.jti;
          return mcpResourceServer(grantId ? await grantPolicy.policyOf(grantId) : undefined);
        },
      },
    },
    // Refresh tokens for every client allowed the grant, whether or not it asked for offline_access,
    // and not tied to the browser's login session; unless the workspace turned them off.
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && (await grantPolicy.refreshTokensEnabled(code.grantId)),
    // Rotated on every use, whoever the client (the contract; oidc-provider would wait until 70% of
    // a confidential client's lifetime), except where the workspace turned refresh tokens off: there
    // a refresh issues no new refresh token, and the one in hand runs out at its own expiry.
    rotateRefreshToken: (ctx) =>
      grantPolicy.peekRefreshTokensEnabled(ctx.oidc.entities.RefreshToken?.grantId),
    expiresWithSession: async () => false,
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.grantId) return undefined;
      const identity = await identities.get(token.grantId);
      return (
        identity && {
          [CLAIMS.workspace]: identity.workspaceId,
          [CLAIMS.email]: identity.email,
          [CLAIMS.grant]: token.grantId,
        }
      );
    },
    ttl: {
      // The resource server's lifetime is the workspace's (getResourceServerInfo).
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? config.ttl.accessToken,
      AuthorizationCode: config.ttl.authorizationCode,
      RefreshToken: (_ctx, token) => grantPolicy.refreshTokenTtl(token.grantId),
      Grant: config.ttl.grant,
      Session: config.ttl.session,
      Interaction: config.ttl.interaction,
      IdToken: config.ttl.accessToken,
    },
    renderError: renderErrorPage,
  };

  const provider = new Provider(config.issuer, configuration);
  // Koa reads X-Forwarded-Proto for secure cookies; client addresses are Fastify's to decide.
  provider.proxy = config.trustProxy !== false;
  if (typeof config.trustProxy === 'number') provider.maxIpsCount = config.trustProxy;
  matchRedirectUrisExactly(provider);
  keepClientKeys(provider);
  acceptEnterpriseGrants(provider, {
    db,
    keys: issuerKeys({ production: config.nodeEnv === 'production', fetch }),
    production: config.nodeEnv === 'production',
    issuer: config.issuer,
    mcpResource: config.mcpResource,
    resources: aliases,
    resourceServerInfo: mcpResourceServer,
  });
  provider.use(refuseControlCharactersInProvider);
  rememberDocumentFailures(provider, { seconds: config.cimdCache.failureSeconds });
  provider.use(defaultScopes);
  showAuthorizationErrorsUntilGranted(provider, db);
  return provider;
}

/**
 * A request that names none of our scopes (no scope, `claudeai`, `openid email profile`) asks for
 * the default set; without this oidc-provider would answer `access_denied`.
 */
async function defaultScopes(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  if (ctx.path === PROVIDER_ROUTES.authorization && ctx.method === 'GET') {
    const requested = String(ctx.query.scope ?? '')
      .split(' ')
      .filter(Boolean);
    if (!requested.some((s) => (SCOPES as readonly string[]).includes(s))) {
      ctx.query = { ...ctx.query, scope: [...requested, ...DEFAULT_SCOPES].join(' ') };
    }
  }
  await next();
}

/**
 * Every authorization shows the consent page, even when an earlier grant would cover it: that is
 * where the user picks the workspace and where the workspace's policy is enforced, so no request
 * may skip it. The consent given in this very authorization satisfies it, whatever the user left
 * unticked: the grant then holds exactly what was approved, and tokens carry only that.
 */
function interactionPolicyWithConsentEveryTime() {
  const policy = interactionPolicy.base();
  const consent = policy.get('consent')!;
  consent.checks.clear();
  consent.checks.add(
    new interactionPolicy.Check(
      'enclavia_workspace_consent',
      'every authorization is approved for a workspace',
      (ctx) =>
        ctx.oidc.result?.consent
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}
