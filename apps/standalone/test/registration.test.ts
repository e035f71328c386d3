import { describe, expect, it } from 'vitest';
import { authorizationCodeFlow, decodeJwt, type TokenResponse } from './support/flow.js';
import { useStack } from './support/stack.js';

const env = useStack();

async function register(body: Record<string, unknown>) {
  const response = await fetch(`${env.stack.issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string | undefined> };
}

const CLAUDE_CALLBACK = 'https://claude.ai/api/mcp/auth_callback';

describe('registration of each real client, as it sends it today', () => {
  it('Claude.ai, legacy body with scope "claudeai"', async () => {
    const { status, body } = await register({
      client_name: 'claudeai',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'claudeai',
      redirect_uris: [CLAUDE_CALLBACK],
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ client_id: expect.any(String), redirect_uris: [CLAUDE_CALLBACK] });
    expect(body.scope).toBeUndefined();
  });

  it('Claude.ai, newer body with client_secret_post, which then authenticates with its secret', async () => {
    const { status, body } = await register({
      client_name: 'Claude',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: [CLAUDE_CALLBACK],
    });
    expect(status).toBe(201);
    expect(body.client_secret).toEqual(expect.any(String));
  });

  it('Claude Code, no scope, a loopback callback', async () => {
    const { status, body } = await register({
      client_name: 'Claude Code (enclavia)',
      redirect_uris: ['http://localhost:3118/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    expect(body.application_type).toBe('native');
  });

  it('mcp-remote, native with software_id and OpenID scopes', async () => {
    const { status, body } = await register({
      redirect_uris: ['http://localhost:47151/oauth/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'MCP CLI Proxy',
      client_uri: 'https://github.com/modelcontextprotocol/mcp-cli',
      software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
      software_version: '0.15.1',
      application_type: 'native',
      scope: 'openid email profile offline_access',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ application_type: 'native', token_endpoint_auth_method: 'none' });
  });

  it('MCP Inspector, its web callback', async () => {
    const { status } = await register({
      client_name: 'MCP Inspector',
      redirect_uris: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'enclaves:read enclaves:write',
    });
    expect(status).toBe(201);
  });
});

describe('redirect URIs must be https or loopback http', () => {
  it.each([
    ['plain http on a public host', 'http://evil.example.com/cb'],
    ['a custom scheme', 'cursor://anysphere.cursor-retrieval/oauth/callback'],
    ['javascript:', 'javascript:alert(1)'],
  ])('refuses %s', async (_name, uri) => {
    const { status, body } = await register({ redirect_uris: [uri], token_endpoint_auth_method: 'none' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_redirect_uri');
  });
});

describe('every token endpoint auth method completes the flow', () => {
  it.each(['none', 'client_secret_post', 'client_secret_basic'] as const)('%s', async (auth) => {
    const redirectUri = 'https://claude.ai/api/mcp/auth_callback';
    const { body } = await register({ redirect_uris: [redirectUri], token_endpoint_auth_method: auth });
    const response = await authorizationCodeFlow(
      env.stack.issuer,
      { clientId: body.client_id!, clientSecret: body.client_secret, auth },
      { redirectUri, email: `auth-${auth}@example.com`, resource: env.stack.mcpUrl },
    );
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as TokenResponse;
    expect(decodeJwt(tokens.access_token).payload.client_id).toBe(body.client_id);
  });
});

describe('loopback redirect URIs', () => {
  it('match on any port, with localhost, 127.0.0.1 and [::1] as one host', async () => {
    const { body } = await register({
      redirect_uris: ['http://localhost/callback'],
      token_endpoint_auth_method: 'none',
    });
    for (const redirectUri of [
      'http://127.0.0.1:54321/callback',
      'http://localhost:3118/callback',
      'http://[::1]:9999/callback',
    ]) {
      const response = await authorizationCodeFlow(
        env.stack.issuer,
        { clientId: body.client_id! },
        { redirectUri, email: 'loop@example.com' },
      );
      expect(response.status, redirectUri).toBe(200);
    }
  });

  it('still match the path exactly', async () => {
    const { body } = await register({
      redirect_uris: ['http://localhost/callback'],
      token_endpoint_auth_method: 'none',
    });
    const url = new URL(`${env.stack.issuer}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: body.client_id!,
      redirect_uri: 'http://127.0.0.1:54321/other',
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'S256',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    // An unregistered redirect URI is never redirected to: the error is a page.
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });
});
