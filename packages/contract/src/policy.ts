/**
 * The contract's exact messages for what a workspace's policy refuses: at consent (on the page),
 * at the token endpoint (`invalid_grant`) and at the MCP server (401 `invalid_token`).
 */
export const POLICY_ERRORS = {
  disabled: 'MCP integration is disabled for this workspace',
  redirectUri: 'redirect_uri is not allowed',
  clientId: 'OAuth client_id is not allowed',
  scopes: 'Requested scopes are not allowed',
  /** `unknown_clients: ask`, until an admin approves the app. */
  approval: 'An admin of this workspace must approve this app first',
} as const;
