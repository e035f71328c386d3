/**
 * Claims the authorization server puts into access tokens beyond RFC 9068's own
 * (`iss`, `sub`, `aud`, `exp`, `iat`, `jti`, `client_id`, `scope`), and which the MCP server reads.
 */
export const CLAIMS = {
  /** The workspace the grant was bound to at consent. */
  workspace: 'enclavia/workspace',
  /** The signed-in user's email, for display (`mcp_whoami`). */
  email: 'email',
  /** The grant the token was issued under: revoking the grant revokes the token. */
  grant: 'enclavia/grant',
} as const;

/** The NOTIFY channel on which the authorization server announces revoked grant ids. */
export const REVOCATION_CHANNEL = 'enclavia_revoked_grants';

/**
 * The NOTIFY channel on which a workspace's changed policy is announced (its id), so every server
 * applies it to live connections at once.
 */
export const POLICY_CHANNEL = 'enclavia_workspace_policies';

/** The JOSE `typ` of an RFC 9068 access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** The one algorithm access tokens are signed with, and the only one the MCP server accepts. */
export const ACCESS_TOKEN_ALG = 'ES256';

/** Personal access tokens start with this, so both services tell them from JWTs at a glance. */
export const PERSONAL_ACCESS_TOKEN_PREFIX = 'enclavia_pat_';

/** The key under which a revoked personal access token is announced on `REVOCATION_CHANNEL`. */
export function personalAccessTokenRevocationKey(id: string): string {
  return `pat:${id}`;
}

/**
 * A revocation as pushed on `REVOCATION_CHANNEL`: the key, and when it was revoked (ms since the
 * epoch) so every server can tell how long the push took. A bare key (older servers) is accepted.
 */
export function revocationPayload(key: string, at = Date.now()): string {
  return JSON.stringify({ key, at });
}

export function parseRevocationPayload(payload: string): { key: string; at?: number } | undefined {
  if (!payload.startsWith('{')) return payload ? { key: payload } : undefined;
  try {
    const { key, at } = JSON.parse(payload) as { key?: unknown; at?: unknown };
    if (typeof key !== 'string' || key === '') return undefined;
    return typeof at === 'number' ? { key, at } : { key };
  } catch {
    return undefined;
  }
}
