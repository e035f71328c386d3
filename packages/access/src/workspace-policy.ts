import { SCOPES, type Scope } from '@enclavia/contract';
import { type Executor, eq, workspacePolicies } from '@enclavia/db';

/** What a workspace's admins allow MCP clients to do there (the contract's "Workspace policy"). */
export interface WorkspacePolicy {
  mcpEnabled: boolean;
  allowedRedirectUris: string[];
  /** Empty: any client. */
  allowedClientIds: string[];
  scopeCeiling: Scope[];
  personalAccessTokensEnabled: boolean;
  /** Lifetime of access tokens issued here, in seconds; null: the server's. */
  accessTokenTtl: number | null;
  /** Lifetime of refresh tokens issued here, in seconds; null: the server's. */
  refreshTokenTtl: number | null;
  refreshTokensEnabled: boolean;
}

/** What a new workspace allows. */
export const DEFAULT_POLICY: Readonly<WorkspacePolicy> = Object.freeze({
  mcpEnabled: true,
  allowedRedirectUris: [
    'https://claude.ai/api/mcp/auth_callback',
    'https://claude.com/api/mcp/auth_callback',
    'http://localhost/callback',
    'http://localhost/oauth/callback',
  ],
  allowedClientIds: [],
  scopeCeiling: [...SCOPES],
  personalAccessTokensEnabled: true,
  accessTokenTtl: null,
  refreshTokenTtl: null,
  refreshTokensEnabled: true,
});

/**
 * The part of a policy that binds connections already made, which every server keeps in memory:
 * small enough for one NOTIFY payload (the allowlists are not: they bind at consent, and taking
 * an entry off them revokes the connections it no longer allows).
 */
export type LivePolicy = Pick<
  WorkspacePolicy,
  | 'mcpEnabled'
  | 'scopeCeiling'
  | 'personalAccessTokensEnabled'
  | 'accessTokenTtl'
  | 'refreshTokenTtl'
  | 'refreshTokensEnabled'
>;

export function livePart(policy: LivePolicy): LivePolicy {
  const p = policy;
  return {
    mcpEnabled: p.mcpEnabled,
    scopeCeiling: p.scopeCeiling,
    personalAccessTokensEnabled: p.personalAccessTokensEnabled,
    accessTokenTtl: p.accessTokenTtl,
    refreshTokenTtl: p.refreshTokenTtl,
    refreshTokensEnabled: p.refreshTokensEnabled,
  };
}

export const DEFAULT_LIVE_POLICY: Readonly<LivePolicy> = Object.freeze(livePart(DEFAULT_POLICY));

export function policyFromRow(row: typeof workspacePolicies.$inferSelect): WorkspacePolicy {
  return {
    mcpEnabled: row.mcpEnabled,
    allowedRedirectUris: row.allowedRedirectUris,
    allowedClientIds: row.allowedClientIds,
    scopeCeiling: SCOPES.filter((s) => row.scopeCeiling.includes(s)),
    personalAccessTokensEnabled: row.personalAccessTokensEnabled,
    accessTokenTtl: row.accessTokenTtl,
    refreshTokenTtl: row.refreshTokenTtl,
    refreshTokensEnabled: row.refreshTokensEnabled,
  };
}

export async function readPolicy(db: Executor, workspaceId: string): Promise<WorkspacePolicy> {
  const [row] = await db
    .select()
    .from(workspacePolicies)
    .where(eq(workspacePolicies.workspaceId, workspaceId));
  return row ? policyFromRow(row) : { ...DEFAULT_POLICY };
}

/**
 * What a connection may do now: what it was granted, within the workspace's current ceiling.
 * Raising the ceiling again gives back what was granted, never more.
 */
export function effectiveScopes(
  granted: readonly string[],
  policy: Pick<LivePolicy, 'scopeCeiling'>,
): string[] {
  return granted.filter((s) => (policy.scopeCeiling as readonly string[]).includes(s));
}
