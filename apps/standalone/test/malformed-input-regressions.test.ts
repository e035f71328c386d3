import { describe, expect, it } from 'vitest';
import { CookieJar } from './support/consent.js';
import { authorizationRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registerClient, registration } from './support/register.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin, signInToDashboard } from './support/web-session.js';

/**
 * The reproductions of the December 2026 security review, finding 9: each malformed input used to
 * be a 500 (and an error in the log); each is now a 4xx that says what is wrong.
 */
const context = useStack();
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** A signed-in browser that can post the dashboard's and admin pages' forms, with their CSRF token. */
async function browser(email: string) {
  const jar = new CookieJar();
  const { issuer } = context.stack;
  await signInToDashboard(issuer, email, jar);
  const csrf = async () => {
    const url = new URL('/dashboard', issuer);
    const page = await fetch(url, { headers: { cookie: jar.header(url) } });
    jar.store(url, page.headers.getSetCookie());
    return (await page.text()).match(/name="csrf" value="([^"]+)"/)![1]!;
  };
  return {
    jar,
    async post(path: string, fields: Array<[string, string]>) {
      const url = new URL(path, issuer);
      const body = new URLSearchParams([['csrf', await csrf()], ...fields]);
      return fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: jar.header(url),
          origin: new URL(issuer).origin,
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
    },
  };
}

describe('finding 9: malformed input is a 4xx, never a 5xx', () => {
  it.each(['state', 'login_hint', 'ui_locales', 'dpop_jkt'])(
    'NUL in %s at /authorize is invalid_request naming the parameter',
    async (parameter) => {
      const { issuer } = context.stack;
      const client = await registerClient(issuer, REDIRECT_URI);
      const { url } = authorizationRequest(
        issuer,
        { clientId: client.client_id },
        { redirectUri: REDIRECT_URI },
      );
      url.searchParams.set(parameter, 'a\u0000b');
      const response = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toContain(`query.${parameter}`);
    },
  );

  it('NUL in client_name at /register is invalid_client_metadata', async () => {
    const { status, body } = await registration(context.stack.issuer, {
      client_name: 'evil\u0000app',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_client_metadata' });
    expect(body.error_description).toContain('body.client_name');
  });

  it.each([true, 0, {}, 'http://127.0.0.1:9/callback'])(
    'redirect_uris %j (not an array) at /register is refused as client metadata',
    async (redirectUris) => {
      const { status, body } = await registration(context.stack.issuer, {
        client_name: 'typed wrong',
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'none',
      });
      expect(status).toBe(400);
      expect(body.error).toMatch(/^invalid_(client_metadata|redirect_uri)$/);
      expect(body.error_description).toContain('redirect_uris');
    },
  );

  it('NUL in a path id of /api/v1 or a dashboard form is a 400 naming the path', async () => {
    const { issuer } = context.stack;
    const admin = await personalWorkspaceAdmin(issuer, 'nul-path@example.com');
    const grant = await admin.session.api('DELETE', '/api/v1/grants/%00');
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as { message: string }).message).toContain('path segment');
    const invitation = await admin.session.api(
      'DELETE',
      `/api/v1/workspaces/${admin.workspaceId}/invitations/%00`,
    );
    expect(invitation.status).toBe(400);

    const page = await (await browser('nul-form@example.com')).post('/dashboard/apps/%00/revoke', []);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('control character');
  });

  it('NUL in a name or an invitation email sent to /api/v1 is a 400 naming the field', async () => {
    const { issuer } = context.stack;
    const admin = await personalWorkspaceAdmin(issuer, 'nul-body@example.com');
    const invite = await admin.session.api('POST', `/api/v1/workspaces/${admin.workspaceId}/invitations`, {
      email: 'a\u0000@example.com',
      role: 'member',
    });
    expect(invite.status).toBe(400);
    expect(((await invite.json()) as { message: string }).message).toContain('body.email');
    const token = await admin.session.api('POST', '/api/v1/tokens', {
      name: 'a\u0000b',
      workspace_id: admin.workspaceId,
      scopes: ['enclaves:read'],
    });
    expect(token.status).toBe(400);
  });

  it('repeated fields and a non-numeric expiry in the token form re-render the dashboard with 400', async () => {
    const user = await browser('repeated-fields@example.com');
    const repeated = await user.post('/dashboard/tokens', [
      ['name', 'a'],
      ['name', 'b'],
      ['scopes', 'enclaves:read'],
    ]);
    expect(repeated.status).toBe(400);
    expect(await repeated.text()).toContain('Personal access tokens');
    const days = await user.post('/dashboard/tokens', [
      ['name', 'laptop'],
      ['scopes', 'enclaves:read'],
      ['expires_in_days', 'soon'],
    ]);
    expect(days.status).toBe(400);
  });

  it('repeated mcp_enabled or allowed_redirect_uris in the admin policy form is a 400 page', async () => {
    const user = await browser('repeated-policy@example.com');
    const admin = await personalWorkspaceAdmin(context.stack.issuer, 'repeated-policy@example.com');
    for (const field of ['mcp_enabled', 'allowed_redirect_uris']) {
      const response = await user.post(`/admin/workspaces/${admin.workspaceId}/policy`, [
        [field, 'on'],
        [field, 'on'],
      ]);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('policy form');
    }
  });

  it.each(['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml'])(
    'a %s body at POST /interaction/:uid/login is a 4xx, not a 500',
    async (contentType) => {
      const { issuer } = context.stack;
      const client = await registerClient(issuer, REDIRECT_URI);
      const jar = new CookieJar();
      const { url } = authorizationRequest(
        issuer,
        { clientId: client.client_id },
        { redirectUri: REDIRECT_URI },
      );
      const authorize = await fetch(url, { redirect: 'manual' });
      jar.store(url, authorize.headers.getSetCookie());
      const interaction = new URL(authorize.headers.get('location')!, issuer);
      const login = new URL(`${interaction.pathname}/login`, issuer);
      const response = await fetch(login, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(login), 'content-type': contentType, origin: new URL(issuer).origin },
        body: contentType === 'application/json' ? '{"email":"a@example.com"}' : 'email=a@example.com',
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    },
  );

  it('CR/LF in return_to is refused at /login and at POST /login/dev, before any session exists', async () => {
    const { issuer } = context.stack;
    const page = await fetch(new URL('/login?return_to=/%0d%0aSet-Cookie:x=y', issuer), {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('query.return_to');

    const jar = new CookieJar();
    const loginUrl = new URL('/login', issuer);
    const form = await fetch(loginUrl);
    jar.store(loginUrl, form.headers.getSetCookie());
    const csrf = (await form.text()).match(/name="csrf" value="([^"]+)"/)![1]!;
    const post = new URL('/login/dev', issuer);
    const signIn = await fetch(post, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(post), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, email: 'crlf@example.com', return_to: '/\r\nx' }),
    });
    expect(signIn.status).toBe(400);
    expect(signIn.headers.getSetCookie().join()).not.toContain('session');
  });

  it('the admin policy textareas still take one entry per line (CR LF between lines)', async () => {
    const user = await browser('textarea-lines@example.com');
    const admin = await personalWorkspaceAdmin(context.stack.issuer, 'textarea-lines@example.com');
    const response = await user.post(`/admin/workspaces/${admin.workspaceId}/policy`, [
      ['mcp_enabled', 'on'],
      ['allowed_redirect_uris', 'https://a.example/cb\r\nhttps://b.example/cb'],
      ['allowed_client_ids', ''],
      ['scope_ceiling', 'enclaves:read'],
      // Left out, the box reads as unticked, and turning tokens off now asks first (issue 18).
      ['personal_access_tokens_enabled', 'on'],
    ]);
    expect(response.status).toBe(303);
    const policy = (await (
      await admin.session.api('GET', `/api/v1/workspaces/${admin.workspaceId}/policy`)
    ).json()) as { policy: { allowed_redirect_uris: string[] } };
    expect(policy.policy.allowed_redirect_uris).toEqual(['https://a.example/cb', 'https://b.example/cb']);
  });

  it('a NUL in a tool argument at /mcp is a JSON-RPC Invalid Request naming the argument', async () => {
    const admin = await personalWorkspaceAdmin(context.stack.issuer, 'nul-mcp@example.com');
    const created = await admin.session.api('POST', '/api/v1/tokens', {
      name: 'nul',
      workspace_id: admin.workspaceId,
      scopes: ['enclaves:read'],
      expires_in_days: 7,
    });
    const { token } = (await created.json()) as { token: string };
    const response = await callToolOverHttp(context.stack.mcpUrl, token, 'enclave_status', {
      id: 'a\u0000b',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { jsonrpc: string; error: { code: number; message: string } };
    expect(body.error.code).toBe(-32600);
    expect(body.error.message).toContain('body.params.arguments.id');
  });

  it("a body over oidc-provider's 56 KB at /register or /token is a 413 that says so", async () => {
    const { issuer } = context.stack;
    const register = await registration(issuer, {
      client_name: 'x'.repeat(60_000),
      redirect_uris: [REDIRECT_URI],
    });
    expect(register.status).toBe(413);
    expect(register.body.error_description).toContain('larger than 56 KB');
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${'x'.repeat(60_000)}`,
    });
    expect(token.status).toBe(413);
  });

  it('a signed-out visit to a page with a huge query is sent to sign in, back to the path alone', async () => {
    const response = await fetch(new URL(`/dashboard?x=${'%78'.repeat(4000)}`, context.stack.issuer), {
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?return_to=%2Fdashboard');
  });
});
