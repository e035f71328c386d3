import { ENCLAVE_SCOPES, type EnclaveScope } from '@enclavia/contract';
import { type Database, type Executor, eq, recordAudit, workspacePolicies } from '@enclavia/db';
import { z } from 'zod';
import { loopbackMatch } from '../oidc/client-policy.js';
import { revokeTokensWhere } from '../tokens/personal-access-tokens.js';

export interface WorkspacePolicy {
  mcpEnabled: boolean;
  allowedRedirectUris: string[];
  /** Empty: any client. */
  allowedClientIds: string[];
  scopeCeiling: EnclaveScope[];
  personalAccessTokensEnabled: boolean;
}

/** What a new workspace allows (the contract's "Workspace policy"). */
export const DEFAULT_POLICY: WorkspacePolicy = {
  mcpEnabled: true,
  allowedRedirectUris: [
    'https://claude.ai/api/mcp/auth_callback',
    'https://claude.com/api/mcp/auth_callback',
    'http://localhost/callback',
    'http://localhost/oauth/callback',
  ],
  allowedClientIds: [],
  scopeCeiling: [...ENCLAVE_SCOPES],
  personalAccessTokensEnabled: true,
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const redirectUri = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v), { error: (i) => `"${i.input}" is not a valid URI` })
  .refine(
    (v) => {
      const u = URL.parse(v);
      return !u || u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
    },
    { error: (i) => `"${i.input}" must be https, or http on localhost, 127.0.0.1 or [::1]` },
  )
  .refine((v) => !URL.parse(v)?.hash, { error: (i) => `"${i.input}" must not have a fragment` });

const clientId = z
  .string()
  .trim()
  .min(1, 'a client ID cannot be empty')
  .max(512, 'a client ID is at most 512 characters')
  .refine((v) => !/\s/.test(v), { error: (i) => `"${i.input}" contains whitespace` })
  .refine((v) => !/^https?:/i.test(v) || URL.parse(v)?.protocol === 'https:', {
    error: (i) => `"${i.input}": a client ID metadata document URL must be https`,
  });

const scope = z.enum(ENCLAVE_SCOPES, {
  error: (i) => `unknown scope "${String(i.input)}"; the scopes are ${ENCLAVE_SCOPES.join(', ')}`,
});

/** A change to the policy, as the admin API and the admin page submit it. Absent fields stay. */
export const policyChange = z
  .object({
    mcp_enabled: z.boolean(),
    allowed_redirect_uris: z.array(redirectUri).max(100, 'at most 100 redirect URIs'),
    allowed_client_ids: z.array(clientId).max(100, 'at most 100 client IDs'),
    scope_ceiling: z
      .array(scope)
      .min(1, 'the scope ceiling cannot be empty: leave at least one scope')
      .transform((s) => ENCLAVE_SCOPES.filter((known) => s.includes(known))),
    personal_access_tokens_enabled: z.boolean(),
  })
  .partial()
  .strict();
export type PolicyChange = z.output<typeof policyChange>;

export async function getPolicy(db: Executor, workspaceId: string): Promise<WorkspacePolicy> {
  const [row] = await db
    .select()
    .from(workspacePolicies)
    .where(eq(workspacePolicies.workspaceId, workspaceId));
  if (!row) return DEFAULT_POLICY;
  return {
    mcpEnabled: row.mcpEnabled,
    allowedRedirectUris: row.allowedRedirectUris,
    allowedClientIds: row.allowedClientIds,
    scopeCeiling: row.scopeCeiling as EnclaveScope[],
    personalAccessTokensEnabled: row.personalAccessTokensEnabled,
  };
}

export async function updatePolicy(
  db: Database,
  { actorUserId, workspaceId, change }: { actorUserId: string; workspaceId: string; change: PolicyChange },
): Promise<WorkspacePolicy> {
  return db.transaction(async (tx) => {
    const before = await getPolicy(tx, workspaceId);
    const after: WorkspacePolicy = {
      mcpEnabled: change.mcp_enabled ?? before.mcpEnabled,
      allowedRedirectUris: dedupe(change.allowed_redirect_uris ?? before.allowedRedirectUris),
      allowedClientIds: dedupe(change.allowed_client_ids ?? before.allowedClientIds),
      scopeCeiling: change.scope_ceiling ?? before.scopeCeiling,
      personalAccessTokensEnabled:
        change.personal_access_tokens_enabled ?? before.personalAccessTokensEnabled,
    };
    if (JSON.stringify(before) === JSON.stringify(after)) return after;
    await tx
      .insert(workspacePolicies)
      .values({ workspaceId, ...after, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: workspacePolicies.workspaceId,
        set: { ...after, updatedAt: new Date() },
      });
    await recordAudit(tx, { workspaceId, actorUserId, action: 'policy.updated', before, after });
    if (before.personalAccessTokensEnabled && !after.personalAccessTokensEnabled) {
      await revokeTokensWhere(tx, { workspaceId }, 'personal access tokens turned off');
    }
    return after;
  });
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/** The contract's exact messages for a consent the workspace's policy refuses. */
export const POLICY_ERRORS = {
  disabled: 'MCP integration is disabled for this workspace',
  redirectUri: 'redirect_uri is not allowed',
  clientId: 'OAuth client_id is not allowed',
  scopes: 'Requested scopes are not allowed',
} as const;

/**
 * Checks an approval against the policy. Granted = what the client asked and the user left
 * ticked, within the ceiling; nothing left is an error, never an empty grant.
 */
export function checkConsent(
  policy: WorkspacePolicy,
  request: { redirectUri: string; clientId: string; scopes: readonly EnclaveScope[] },
): { error: string } | { granted: EnclaveScope[] } {
  if (!policy.mcpEnabled) return { error: POLICY_ERRORS.disabled };
  const redirectAllowed =
    policy.allowedRedirectUris.includes(request.redirectUri) ||
    loopbackMatch(request.redirectUri, policy.allowedRedirectUris);
  if (!redirectAllowed) return { error: POLICY_ERRORS.redirectUri };
  if (policy.allowedClientIds.length > 0 && !policy.allowedClientIds.includes(request.clientId)) {
    return { error: POLICY_ERRORS.clientId };
  }
  const granted = request.scopes.filter((s) => policy.scopeCeiling.includes(s));
  if (granted.length === 0) return { error: POLICY_ERRORS.scopes };
  return { granted };
}
