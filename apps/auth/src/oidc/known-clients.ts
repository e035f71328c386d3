import type { ClientMetadata } from 'oidc-provider';

const CLAUDE_CALLBACKS = [
  'https://claude.ai/api/mcp/auth_callback',
  'https://claude.com/api/mcp/auth_callback',
];

/**
 * The client ID metadata documents Claude and Claude Code publish, pinned so they work when the
 * fetch is blocked (Claude's host may answer a datacenter fetch with a bot challenge).
 * oidc-provider looks up built-in clients before fetching, so these always win.
 */
export const KNOWN_CIMD_CLIENTS: ClientMetadata[] = [
  {
    client_id: 'https://claude.ai/oauth/mcp-oauth-client-metadata',
    client_name: 'Claude',
    client_uri: 'https://claude.ai',
    redirect_uris: CLAUDE_CALLBACKS,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  {
    client_id: 'https://claude.ai/oauth/claude-code-client-metadata',
    client_name: 'Claude Code',
    client_uri: 'https://claude.ai',
    redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
];
