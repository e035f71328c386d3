import { describe, expect, it } from 'vitest';
import { authorizationCode, authorizationCodeFlow, decodeJwt, type TokenResponse } from './support/flow.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

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

const CURSOR_CALLBACKS = [
  'cursor://anysphere.cursor-mcp/oauth/callback',
  'https://www.cursor.com/agents/mcp/oauth/callback',
  'http://localhost:8787/callback',
];

/** Cursor's registration: three redirect URIs, one of them its own scheme. */
const cursorBody = (extra: Record<string, unknown> = {}) => ({
  client_name: 'Cursor',
  redirect_uris: CURSOR_CALLBACKS,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

/** VS Code's registration, as `fetchDynamicRegistration` builds it (src/vs/base/common/oauth.ts). */
const VSCODE_BODY = {
  client_name: 'Visual Studio Code',
  client_uri: 'https://code.visualstudio.com',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: [
    'https://insiders.vscode.dev/redirect',
    'https://vscode.dev/redirect',
    'http://127.0.0.1/',
    'http://127.0.0.1:33418/',
  ],
  scope: 'enclaves:read enclaves:write enclaves:destroy',
  token_endpoint_auth_method: 'none',
  application_type: 'native',
};

/** Authorizes `clientId` for `email` to `redirectUri` and redeems the code; the callback and tokens. */
async function authorizeTo(clientId: string, redirectUri: string, email: string) {
  const { code, redeem, callback } = await authorizationCode(
    env.stack.issuer,
    { clientId },
    { redirectUri, email, resource: env.stack.mcpUrl },
  );
  const response = await redeem(code);
  expect(response.status, redirectUri).toBe(200);
  return { callback, tokens: (await response.json()) as TokenResponse };
}

describe('application_type (MCP 2026-07-28) and the clients that need it', () => {
  it.each([
    ['application_type native', { application_type: 'native' }],
    ['no application_type', {}],
  ])("Cursor's three redirect URIs register with %s, as a native app", async (_name, extra) => {
    const { status, body } = await register(cursorBody(extra));
    expect(status).toBe(201);
    expect(body).toMatchObject({ application_type: 'native', redirect_uris: CURSOR_CALLBACKS });
  });

  it("refuses Cursor's redirect URIs from a client that says it is web, and says why", async () => {
    const { status, body } = await register(cursorBody({ application_type: 'web' }));
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_redirect_uri');
    expect(body.error_description).toContain('cursor://anysphere.cursor-mcp/oauth/callback');
    expect(body.error_description).toContain('application_type "native"');
  });

  it('keeps a client that says web on https and loopback web', async () => {
    const { status, body } = await register({
      application_type: 'web',
      redirect_uris: ['http://localhost:6274/oauth/callback', CLAUDE_CALLBACK],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    expect(body.application_type).toBe('web');
  });

  it('Cursor authorizes to each of its URIs, its own scheme once the workspace allows it', async () => {
    const email = 'cursor-user@example.com';
    const admin = await personalWorkspaceAdmin(env.stack.issuer, email);
    // The loopback one is allowed already: the defaults list http://localhost/callback.
    expect((await admin.allowRedirectUris(CURSOR_CALLBACKS.slice(0, 2))).status).toBe(200);
    const { body } = await register(cursorBody());
    for (const redirectUri of CURSOR_CALLBACKS) {
      const { callback, tokens } = await authorizeTo(body.client_id!, redirectUri, email);
      expect(callback.href.startsWith(`${redirectUri}?`)).toBe(true);
      // RFC 9207: the issuer comes back with the code, to an app's scheme as to https.
      expect(callback.searchParams.get('iss')).toBe(env.stack.issuer);
      expect(decodeJwt(tokens.access_token).payload.client_id).toBe(body.client_id);
    }
  });

  it("VS Code's registration registers, and authorizes on loopback and at vscode.dev", async () => {
    const { status, body } = await register(VSCODE_BODY);
    expect(status).toBe(201);
    expect(body.application_type).toBe('native');
    const email = 'vscode-user@example.com';
    const admin = await personalWorkspaceAdmin(env.stack.issuer, email);
    const allowed = await admin.allowRedirectUris(['http://127.0.0.1/', 'https://vscode.dev/redirect']);
    expect(allowed.status).toBe(200);
    for (const redirectUri of [
      'http://127.0.0.1:33418/',
      'http://127.0.0.1:50123/',
      'https://vscode.dev/redirect',
    ]) {
      const { tokens } = await authorizeTo(body.client_id!, redirectUri, email);
      expect(tokens.refresh_token).toEqual(expect.any(String));
    }
  });
});

describe('redirect URIs must be https, loopback http or, for native apps, an app scheme', () => {
  it.each([
    ['plain http on a public host', 'http://evil.example.com/cb', {}],
    ['http on a public host, its scheme in capitals', 'HTTP://evil.example.com/cb', {}],
    [
      'a custom scheme on a web client',
      'cursor://anysphere.cursor-mcp/oauth/callback',
      { application_type: 'web' },
    ],
    ['javascript:', 'javascript:alert(1)', {}],
  ])('refuses %s', async (_name, uri, extra) => {
    const { status, body } = await register({
      redirect_uris: [uri],
      token_endpoint_auth_method: 'none',
      ...extra,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_redirect_uri');
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'vbscript:msgbox(1)',
    'blob:https://evil.example/0b8f',
    'about:blank',
    'HTTP://evil.example.com/cb',
    'https://localhost:8443/callback',
  ])('refuses %j even for a native app', async (uri) => {
    const { status, body } = await register({
      application_type: 'native',
      redirect_uris: ['http://localhost:8787/callback', uri],
      token_endpoint_auth_method: 'none',
    });
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
