/** The scopes of the enclave tools; the contract's "Scopes and tools" table. */
export const ENCLAVE_SCOPES = ['enclaves:read', 'enclaves:write', 'enclaves:destroy'] as const;
export type EnclaveScope = (typeof ENCLAVE_SCOPES)[number];

/** Reading the workspace's audit log: only for workspace admins, and only when asked for by name. */
export const AUDIT_SCOPE = 'audit:read';

/** Every scope of the MCP resource, in the order pages list them. */
export const SCOPES = [...ENCLAVE_SCOPES, AUDIT_SCOPE] as const;
export type Scope = (typeof SCOPES)[number];

/** What a request with no known scope is treated as asking for; also what the 401 challenge asks for. */
export const DEFAULT_SCOPES: readonly Scope[] = ENCLAVE_SCOPES;

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'enclaves:read': 'See your enclaves, their status and their logs',
  'enclaves:write': 'Create and stop enclaves',
  'enclaves:destroy': 'Destroy enclaves for good',
  'audit:read': "Read the workspace's audit log (workspace admins only)",
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Splits an OAuth `scope` string into the scopes of ours it names, ignoring everything else. */
export function parseScopes(scope: string | undefined | null): Scope[] {
  if (!scope) return [];
  const wanted = new Set(scope.split(' '));
  return SCOPES.filter((s) => wanted.has(s));
}
