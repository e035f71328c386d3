import {
  announcePolicy,
  DEFAULT_POLICY,
  readPolicy,
  UNKNOWN_CLIENTS,
  type WorkspacePolicy,
} from '@enclavia/access';
import { AUDIT_SCOPE, POLICY_ERRORS, SCOPES, type Scope } from '@enclavia/contract';
import { type Database, eq, grants, recordAudit, sql, workspacePolicies } from '@enclavia/db';
import { z } from 'zod';
import { parseRedirectUri, redirectUriMatches } from '../oidc/redirect-uris.js';
import { revokeGrants } from '../revocation.js';
import { revokeTokensWhere } from '../tokens/personal-access-tokens.js';
import type { AppStatus } from '../workspace-apps/standing.js';
import { WorkspaceError } from './errors.js';

export { DEFAULT_POLICY, POLICY_ERRORS, type WorkspacePolicy };
export const getPolicy = readPolicy;

const redirectUri = z
  .string()
  .trim()
  .superRefine((value, context) => {
    const parsed = parseRedirectUri(value);
    if ('problem' in parsed) context.addIssue({ code: 'custom', message: parsed.problem });
  });

const clientId = z
  .string()
  .trim()
  .min(1, 'a client ID cannot be empty')
  .max(512, 'a client ID is at most 512 characters')
  .refine((v) => !/\s/.test(v), { error: (i) => `"${i.input}" contains whitespace` })
  .refine((v) => !/^https?:/i.test(v) || URL.parse(v)?.protocol === 'https:', {
    error: (i) => `"${i.input}": a client ID metadata document URL must be https`,
  });

export const scope = z.enum(SCOPES, {
  error: (i) => `unknown scope "${String(i.input)}"; the scopes are ${SCOPES.join(', ')}`,
});

/** A lifetime in seconds, or null for the one it falls back to (the server's, or the workspace's). */
export const lifetime = (name: string, fallback = "the server's") =>
  z
    .number({ error: `${name} must be a number of seconds, or null for ${fallback} lifetime` })
    .int(`${name} must be a whole number of seconds`)
    .min(60, `${name} must be at least 60 seconds`)
    .nullable();

/**
 * The issuer URL of the company's OpenID provider, compared exactly with an ID-JAG's `iss`: https,
 * or http on a loopback host for development (refused in production by `updatePolicy`).
 */
const enterpriseIssuer = z
  .string()
  .trim()
  .max(512, 'enterprise_idp_issuer is at most 512 characters')
  .refine((v) => issuerProblem(v, { production: false }) === undefined, {
    error: (i) => issuerProblem(String(i.input), { production: false }),
  });

const emailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v.replace(/^@/, ''))
  .refine((v) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(v), {
    error: (i) => `"${i.input}" is not an email domain such as example.com`,
  });

/** Why this URL cannot be a trusted issuer, or undefined when it can. */
export function issuerProblem(value: string, { production }: { production: boolean }): string | undefined {
  const url = URL.parse(value);
  if (!url || url.search || url.hash || url.username || url.password)
    return `"${value}" is not an issuer URL (https, no query or fragment)`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && !production && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return production
    ? `"${value}": an issuer must be https in production`
    : `"${value}": an issuer must be https (or http on localhost, for development)`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A change to the policy, as the admin API and the admin page submit it. Absent fields stay. */
export const policyChange = z
  .object({
    mcp_enabled: z.boolean(),
    allowed_redirect_uris: z.array(redirectUri).max(100, 'at most 100 redirect URIs'),
    allowed_client_ids: z.array(clientId).max(100, 'at most 100 client IDs'),
    scope_ceiling: z
      .array(scope)
      .min(1, 'the scope ceiling cannot be empty: leave at least one scope')
      .transform((s) => SCOPES.filter((known) => s.includes(known))),
    personal_access_tokens_enabled: z.boolean(),
    access_token_ttl: lifetime('access_token_ttl'),
    refresh_token_ttl: lifetime('refresh_token_ttl'),
    refresh_tokens_enabled: z.boolean(),
    // Empty or null: no enterprise identity provider.
    enterprise_idp_issuer: z.union([z.literal('').transform(() => null), enterpriseIssuer]).nullable(),
    enterprise_jit_membership: z.boolean(),
    enterprise_email_domain: z.union([z.literal('').transform(() => null), emailDomain]).nullable(),
    unknown_clients: z.enum(UNKNOWN_CLIENTS, {
      error: 'unknown_clients is "allow", "ask" or "block"',
    }),
  })
  .partial()
  .strict();
export type PolicyChange = z.output<typeof policyChange>;

/** The policy as the API shows it. */
export function policyJson(p: WorkspacePolicy) {
  return {
    mcp_enabled: p.mcpEnabled,
    allowed_redirect_uris: p.allowedRedirectUris,
    allowed_client_ids: p.allowedClientIds,
    scope_ceiling: p.scopeCeiling,
    personal_access_tokens_enabled: p.personalAccessTokensEnabled,
    access_token_ttl: p.accessTokenTtl,
    refresh_token_ttl: p.refreshTokenTtl,
    refresh_tokens_enabled: p.refreshTokensEnabled,
    enterprise_idp_issuer: p.enterpriseIdpIssuer,
    enterprise_jit_membership: p.enterpriseJitMembership,
    enterprise_email_domain: p.enterpriseEmailDomain,
    unknown_clients: p.unknownClients,
  };
}

/** The server's own lifetimes: a workspace may shorten them, never lengthen them. */
export interface ServerLifetimes {
  accessToken: number;
  refreshToken: number;
}

/** What saving a policy did to the connections and tokens that exist. */
export interface PolicyEffects {
  /** Connected apps revoked because their client ID or redirect URI is no longer allowed. */
  revokedApps: number;
  /** Personal access tokens revoked because they were turned off. */
  revokedTokens: number;
}

/**
 * Saves a change and applies it to what exists, in one transaction: connections whose client ID or
 * redirect URI is no longer allowed are revoked, personal access tokens turned off are revoked, and
 * every server is told the new policy when it commits, so MCP off, a lower ceiling and new token
 * lifetimes bind live connections within a second. The audit log records what changed.
 */
export async function updatePolicy(
  db: Database,
  {
    actorUserId,
    workspaceId,
    change,
    server,
    production = false,
  }: {
    actorUserId: string;
    workspaceId: string;
    change: PolicyChange;
    server: ServerLifetimes;
    /** In production an enterprise issuer must be https. */
    production?: boolean;
  },
): Promise<{ policy: WorkspacePolicy; effects: PolicyEffects }> {
  assertWithinServer(change, server);
  assertIssuerAllowed(change, production);
  return db.transaction(async (tx) => {
    const before = await readPolicy(tx, workspaceId);
    const after = applyChange(before, change);
    const effects: PolicyEffects = { revokedApps: 0, revokedTokens: 0 };
    const changed = changedFields(before, after);
    if (!changed) return { policy: after, effects };
    if (after.enterpriseIdpIssuer && after.enterpriseIdpIssuer !== before.enterpriseIdpIssuer) {
      await assertIssuerUntrusted(tx, after.enterpriseIdpIssuer);
    }
    await tx
      .insert(workspacePolicies)
      .values({ workspaceId, ...after, updatedAt: sql`now()` })
      .onConflictDoUpdate({
        target: workspacePolicies.workspaceId,
        set: { ...after, updatedAt: sql`now()` },
      });
    await recordAudit(tx, { workspaceId, actorUserId, action: 'policy.updated', ...changed });
    effects.revokedApps = await revokeDisallowedGrants(tx, workspaceId, after, {
      actorUserId,
      accessTokenTtl: server.accessToken,
    });
    if (before.personalAccessTokensEnabled && !after.personalAccessTokensEnabled) {
      effects.revokedTokens = await revokeTokensWhere(
        tx,
        { workspaceId },
        'personal access tokens turned off',
      );
    }
    await announcePolicy(tx, workspaceId, after);
    return { policy: after, effects };
  });
}

function applyChange(before: WorkspacePolicy, change: PolicyChange): WorkspacePolicy {
  return {
    mcpEnabled: change.mcp_enabled ?? before.mcpEnabled,
    allowedRedirectUris: dedupe(change.allowed_redirect_uris ?? before.allowedRedirectUris),
    allowedClientIds: dedupe(change.allowed_client_ids ?? before.allowedClientIds),
    scopeCeiling: change.scope_ceiling ?? before.scopeCeiling,
    personalAccessTokensEnabled: change.personal_access_tokens_enabled ?? before.personalAccessTokensEnabled,
    accessTokenTtl: change.access_token_ttl === undefined ? before.accessTokenTtl : change.access_token_ttl,
    refreshTokenTtl:
      change.refresh_token_ttl === undefined ? before.refreshTokenTtl : change.refresh_token_ttl,
    refreshTokensEnabled: change.refresh_tokens_enabled ?? before.refreshTokensEnabled,
    enterpriseIdpIssuer:
      change.enterprise_idp_issuer === undefined ? before.enterpriseIdpIssuer : change.enterprise_idp_issuer,
    enterpriseJitMembership: change.enterprise_jit_membership ?? before.enterpriseJitMembership,
    enterpriseEmailDomain:
      change.enterprise_email_domain === undefined
        ? before.enterpriseEmailDomain
        : change.enterprise_email_domain,
    unknownClients: change.unknown_clients ?? before.unknownClients,
  };
}

function assertWithinServer(change: PolicyChange, server: ServerLifetimes): void {
  const over = (value: number | null | undefined, max: number) => value != null && value > max;
  if (over(change.access_token_ttl, server.accessToken)) {
    throw new WorkspaceError(
      400,
      'invalid_request',
      `access_token_ttl can be at most ${server.accessToken} seconds, the server's own lifetime.`,
    );
  }
  if (over(change.refresh_token_ttl, server.refreshToken)) {
    throw new WorkspaceError(
      400,
      'invalid_request',
      `refresh_token_ttl can be at most ${server.refreshToken} seconds, the server's own lifetime.`,
    );
  }
}

function assertIssuerAllowed(change: PolicyChange, production: boolean): void {
  const issuer = change.enterprise_idp_issuer;
  const problem = issuer ? issuerProblem(issuer, { production }) : undefined;
  if (problem) throw new WorkspaceError(400, 'invalid_request', problem);
}

/**
 * An issuer is trusted by at most one workspace, or an assertion could not say which workspace
 * it is for. The unique index decides a race; this gives the admin the reason.
 */
async function assertIssuerUntrusted(
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
  issuer: string,
): Promise<void> {
  const [taken] = await tx
    .select({ workspaceId: workspacePolicies.workspaceId })
    .from(workspacePolicies)
    .where(eq(workspacePolicies.enterpriseIdpIssuer, issuer));
  if (taken) {
    throw new WorkspaceError(
      409,
      'conflict',
      `The identity provider ${issuer} is already trusted by another workspace; an issuer can be trusted by one workspace only.`,
    );
  }
}

/** The fields that differ, before and after, in the API's names; undefined when nothing does. */
function changedFields(before: WorkspacePolicy, after: WorkspacePolicy) {
  const a = policyJson(before) as Record<string, unknown>;
  const b = policyJson(after) as Record<string, unknown>;
  const keys = Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  if (keys.length === 0) return undefined;
  return {
    before: Object.fromEntries(keys.map((k) => [k, a[k]])),
    after: Object.fromEntries(keys.map((k) => [k, b[k]])),
  };
}

/** Revokes the workspace's connections that the policy's allowlists no longer allow. */
async function revokeDisallowedGrants(
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
  workspaceId: string,
  policy: WorkspacePolicy,
  { actorUserId, accessTokenTtl }: { actorUserId: string; accessTokenTtl: number },
): Promise<number> {
  const held = await tx
    .select({ id: grants.id, clientId: grants.clientId, redirectUri: grants.redirectUri })
    .from(grants)
    .where(eq(grants.workspaceId, workspaceId))
    .for('update');
  let revoked = 0;
  for (const [rule, detail] of [
    [(g: (typeof held)[number]) => !clientAllowed(policy, g.clientId), 'client ID no longer allowed'],
    [
      (g: (typeof held)[number]) => g.redirectUri !== null && !redirectUriAllowed(policy, g.redirectUri),
      'redirect URI no longer allowed',
    ],
  ] as const) {
    const ids = held.filter((g) => rule(g)).map((g) => g.id);
    revoked += await revokeGrants(tx, ids, { source: 'policy', actorUserId, detail }, { accessTokenTtl });
  }
  return revoked;
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Exact, except that a loopback entry matches any port on any of the three loopback hosts; an
 * app's own scheme (`cursor://…`) matches only exactly. The rule oidc-provider applies too.
 */
export function redirectUriAllowed(
  policy: Pick<WorkspacePolicy, 'allowedRedirectUris'>,
  uri: string,
): boolean {
  return redirectUriMatches(uri, policy.allowedRedirectUris);
}

export function clientAllowed(policy: Pick<WorkspacePolicy, 'allowedClientIds'>, id: string): boolean {
  return policy.allowedClientIds.length === 0 || policy.allowedClientIds.includes(id);
}

/** The rule of the policy a consent broke, with the value it refused. */
export interface ConsentRefusal {
  error: (typeof POLICY_ERRORS)[keyof typeof POLICY_ERRORS];
  value?: string;
  /** For a client ID: an admin blocked the app (or `unknown_clients` did), rather than the allowlist. */
  blocked?: boolean;
}

/**
 * Whether the workspace lets this client be answered at all, whatever the user decides: MCP on,
 * the redirect URI and the client ID allowed. Approve and Deny both ask it first, so neither sends
 * the browser where the workspace does not allow.
 */
export function clientRefusal(
  policy: WorkspacePolicy,
  request: { redirectUri: string; clientId: string; standing: AppStatus },
): ConsentRefusal | undefined {
  if (!policy.mcpEnabled) return { error: POLICY_ERRORS.disabled };
  if (!redirectUriAllowed(policy, request.redirectUri))
    return { error: POLICY_ERRORS.redirectUri, value: request.redirectUri };
  if (!clientAllowed(policy, request.clientId))
    return { error: POLICY_ERRORS.clientId, value: request.clientId };
  if (request.standing === 'blocked')
    return { error: POLICY_ERRORS.clientId, value: request.clientId, blocked: true };
  if (request.standing === 'pending') return { error: POLICY_ERRORS.approval };
  return undefined;
}

/**
 * Checks an approval against the policy. Granted = what the client asked and the user left
 * ticked, within the ceiling, and `audit:read` only for the workspace's admins; nothing left is an
 * error, never an empty grant.
 */
export function checkConsent(
  policy: WorkspacePolicy,
  request: {
    redirectUri: string;
    clientId: string;
    standing: AppStatus;
    scopes: readonly Scope[];
    role: 'admin' | 'member';
  },
): ConsentRefusal | { granted: Scope[] } {
  const refusal = clientRefusal(policy, request);
  if (refusal) return refusal;
  const granted = request.scopes.filter(
    (s) => policy.scopeCeiling.includes(s) && (s !== AUDIT_SCOPE || request.role === 'admin'),
  );
  if (granted.length === 0) return { error: POLICY_ERRORS.scopes, value: request.scopes.join(' ') };
  return { granted };
}
