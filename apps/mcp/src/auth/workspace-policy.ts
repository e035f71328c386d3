import { effectiveScopes, type LivePolicies } from '@enclavia/access';
import { POLICY_ERRORS } from '@enclavia/contract';
import { InvalidTokenError, idsOf, type VerifiedAuth } from './verify-access-token.js';

/**
 * A token is only as good as its workspace's current policy: with MCP off it is refused (and works
 * again when MCP is back on, unless revoked meanwhile), and it may do what it was granted within
 * the current ceiling (the app's own, when it has a narrower one). Applied on every request from the in-memory policies, so an admin's switch
 * binds live connections within a second, with no database round trip.
 */
export function withWorkspacePolicy(
  verify: (token: string) => Promise<VerifiedAuth>,
  policies: Pick<LivePolicies, 'get'>,
) {
  return async function verifyUnderPolicy(token: string): Promise<VerifiedAuth> {
    const auth = await verify(token);
    const policy = policies.get(auth.extra.workspaceId, auth.clientId);
    if (!policy.mcpEnabled) throw new InvalidTokenError(POLICY_ERRORS.disabled, idsOf(auth));
    const scopes = effectiveScopes(auth.scopes, policy);
    return scopes.length === auth.scopes.length ? auth : { ...auth, scopes };
  };
}
