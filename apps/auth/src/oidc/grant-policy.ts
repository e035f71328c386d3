import { effectiveScopes, type LivePolicies, type LivePolicy } from '@enclavia/access';
import { POLICY_ERRORS, SCOPES } from '@enclavia/contract';
import { errors } from 'oidc-provider';
import type { GrantIdentities } from '../accounts.js';

export interface ServerLifetimes {
  accessToken: number;
  refreshToken: number;
}

/**
 * How the current policy of a grant's workspace binds the tokens the grant issues, at every code
 * exchange and refresh: a workspace with MCP off issues nothing; scopes are what was granted
 * within the current ceiling (the workspace's, narrowed by the app's own); lifetimes are the
 * workspace's or the app's, never above the server's.
 */
export function grantPolicies(identities: GrantIdentities, policies: LivePolicies, server: ServerLifetimes) {
  const policyOf = async (grantId: string): Promise<LivePolicy | undefined> => {
    const identity = await identities.get(grantId);
    return identity && policies.get(identity.workspaceId, identity.clientId);
  };
  const peekPolicy = (grantId: string | undefined): LivePolicy | undefined => {
    const identity = grantId === undefined ? undefined : identities.peek(grantId);
    return identity && policies.get(identity.workspaceId, identity.clientId);
  };

  return {
    policyOf,

    /**
     * Refuses a grant whose workspace has MCP turned off: `invalid_grant` with the contract's words
     * as its description (oidc-provider's InvalidGrant would hide them behind a generic one).
     */
    async assertUsable(grantId: string): Promise<void> {
      const policy = await policyOf(grantId);
      if (policy && !policy.mcpEnabled)
        throw new errors.CustomOIDCProviderError('invalid_grant', POLICY_ERRORS.disabled);
    },

    /** The scopes a token of this policy's workspace may carry (a grant's are intersected with these). */
    resourceScopes: (policy: LivePolicy | undefined): string[] =>
      policy ? effectiveScopes(SCOPES, policy) : [...SCOPES],

    accessTokenTtl: (policy: LivePolicy | undefined): number =>
      Math.min(server.accessToken, policy?.accessTokenTtl ?? server.accessToken),

    /** Synchronous, as oidc-provider asks: the grant was looked up earlier in the same request. */
    refreshTokenTtl: (grantId: string | undefined): number =>
      Math.min(server.refreshToken, peekPolicy(grantId)?.refreshTokenTtl ?? server.refreshToken),

    refreshTokensEnabled: async (grantId: string | undefined): Promise<boolean> =>
      grantId === undefined || ((await policyOf(grantId))?.refreshTokensEnabled ?? true),

    peekRefreshTokensEnabled: (grantId: string | undefined): boolean =>
      peekPolicy(grantId)?.refreshTokensEnabled ?? true,
  };
}

export type GrantPolicies = ReturnType<typeof grantPolicies>;
