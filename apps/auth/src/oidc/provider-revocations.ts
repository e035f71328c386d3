import type { Executor } from '@enclavia/db';
import { type KoaContextWithOIDC, Provider } from 'oidc-provider';
import { type RevocationCause, revokeGrants } from '../revocation.js';

/**
 * What started a revocation oidc-provider makes on its own, read from the request it is serving
 * (`Provider.ctx`): the client's RFC 7009 /revoke, a refresh token or code presented a second
 * time at /token, or a logout.
 */
export function providerRevocationCause(ctx: KoaContextWithOIDC | undefined): RevocationCause {
  const route = ctx?.oidc?.route ?? '';
  const clientId = ctx?.oidc?.client?.clientId ?? null;
  if (route === 'revocation') return { source: 'client', actorClientId: clientId };
  if (route === 'token') {
    const grantType = ctx?.oidc?.params?.grant_type;
    if (grantType === 'refresh_token') return { source: 'refresh_token_reuse' };
    if (grantType === 'authorization_code') return { source: 'code_replay' };
  }
  if (route.startsWith('end_session')) return { source: 'logout', actorClientId: clientId };
  return { source: 'authorization_server' };
}

/** The storage adapter's `onGrantDestroyed`: oidc-provider's revocations, announced as ours are. */
export function revocationByProvider({ accessTokenTtl }: { accessTokenTtl: number }) {
  return async (tx: Executor, grantId: string): Promise<void> => {
    await revokeGrants(tx, [grantId], providerRevocationCause(Provider.ctx), { accessTokenTtl });
  };
}
