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
  /** The company identity provider whose ID-JAGs are accepted for this workspace; null: none. */
  enterpriseIdpIssuer: string | null;
  /** A user of that issuer whose verified email is new becomes a member at first grant. */
  enterpriseJitMembership: boolean;
  /** Only emails of this domain may connect through the issuer; null: any. */
  enterpriseEmailDomain: string | null;
  /** What happens to a client not yet among the workspace's apps. */
  unknownClients: UnknownClients;
}

/** `allow`: let in and listed as approved; `ask`: listed as pending until an admin approves; `block`. */
export const UNKNOWN_CLIENTS = ['allow', 'ask', 'block'] as const;
export type UnknownClients = (typeof UNKNOWN_CLIENTS)[number];

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
  enterpriseIdpIssuer: null,
  enterpriseJitMembership: false,
  enterpriseEmailDomain: null,
  unknownClients: 'allow',
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

/** Just the live part of a policy (a whole policy would carry its allowlists along). */
export function livePart({
  mcpEnabled,
  scopeCeiling,
  personalAccessTokensEnabled,
  accessTokenTtl,
  refreshTokenTtl,
  refreshTokensEnabled,
}: LivePolicy): LivePolicy {
  return {
    mcpEnabled,
    scopeCeiling,
    personalAccessTokensEnabled,
    accessTokenTtl,
    refreshTokenTtl,
    refreshTokensEnabled,
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
    enterpriseIdpIssuer: row.enterpriseIdpIssuer,
    enterpriseJitMembership: row.enterpriseJitMembership,
    enterpriseEmailDomain: row.enterpriseEmailDomain,
    unknownClients: row.unknownClients,
  };
}

/** The workspace that trusts this enterprise issuer, with its policy; undefined when none does. */
export async function policyTrustingIssuer(
  db: Executor,
  issuer: string,
): Promise<{ workspaceId: string; policy: WorkspacePolicy } | undefined> {
  const [row] = await db
    .select()
    .from(workspacePolicies)
    .where(eq(workspacePolicies.enterpriseIdpIssuer, issuer));
  return row && { workspaceId: row.workspaceId, policy: policyFromRow(row) };
}

export async function readPolicy(db: Executor, workspaceId: string): Promise<WorkspacePolicy> {
  const [row] = await db
    .select()
    .from(workspacePolicies)
    .where(eq(workspacePolicies.workspaceId, workspaceId));
  return row ? policyFromRow(row) : { ...DEFAULT_POLICY };
}

/** An approved app's own limits in a workspace, within the workspace's; null: the workspace's. */
export interface AppLimits {
  scopeCeiling: Scope[] | null;
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
}

/** The workspace's policy as it binds one app: the narrower ceiling, the shorter lifetimes. */
export function withAppLimits<P extends LivePolicy>(policy: P, app: AppLimits | undefined): P {
  if (!app) return policy;
  const shorter = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  return {
    ...policy,
    scopeCeiling: app.scopeCeiling
      ? policy.scopeCeiling.filter((s) => app.scopeCeiling!.includes(s))
      : policy.scopeCeiling,
    accessTokenTtl: shorter(policy.accessTokenTtl, app.accessTokenTtl),
    refreshTokenTtl: shorter(policy.refreshTokenTtl, app.refreshTokenTtl),
  };
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
