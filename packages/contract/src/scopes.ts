/** The scopes of the MCP resource; the contract's "Scopes and tools" table. */
export const ENCLAVE_SCOPES = ['enclaves:read', 'enclaves:write', 'enclaves:destroy'] as const;
export type EnclaveScope = (typeof ENCLAVE_SCOPES)[number];

/** What a request with no known scope is treated as asking for; also what the 401 challenge asks for. */
export const DEFAULT_SCOPES: readonly EnclaveScope[] = ENCLAVE_SCOPES;

export const SCOPE_DESCRIPTIONS: Record<EnclaveScope, string> = {
  'enclaves:read': 'See your enclaves, their status and their logs',
  'enclaves:write': 'Create and stop enclaves',
  'enclaves:destroy': 'Destroy enclaves for good',
};

export function isEnclaveScope(value: string): value is EnclaveScope {
  return (ENCLAVE_SCOPES as readonly string[]).includes(value);
}

/** Splits an OAuth `scope` string into the enclave scopes it names, ignoring everything else. */
export function parseEnclaveScopes(scope: string | undefined | null): EnclaveScope[] {
  if (!scope) return [];
  const wanted = new Set(scope.split(' '));
  return ENCLAVE_SCOPES.filter((s) => wanted.has(s));
}
