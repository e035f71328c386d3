import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, completeAuthorization } from './support/consent.js';
import { FakeIdentityProviders, routeUpstreamHostsTo } from './support/fake-idp.js';
import { authorizationCodeFlow, authorizationRequest } from './support/flow.js';
import { registerClient, registration } from './support/register.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

const env = useStack();
// Upstream sign-in (GitHub) is configured on a second server only: the product without it has
// the development login alone.
const upstreamEnv = useStack({ env: { GITHUB_CLIENT_ID: 'gh-client', GITHUB_CLIENT_SECRET: 'gh-secret' } });

/** GET /authorize as a browser would, redirects not followed: where it would send the browser. */
async function authorize(url: URL) {
  const response = await fetch(url, { redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    csp: response.headers.get('content-security-policy'),
    page: await response.text(),
  };
}

describe('redirect_uri at /authorize: the registered string, only the loopback port may differ', () => {
  const LOOPBACK = 'http://localhost/callback';
  const WEB = 'https://app.example/cb?tenant=1';
  let clientId: string;
  beforeAll(async () => {
    const web = await registration(env.stack.issuer, {
      redirect_uris: [LOOPBACK, WEB],
      token_endpoint_auth_method: 'none',
    });
    expect(web.status).toBe(201);
    clientId = web.body.client_id as string;
  });

  it('a loopback URI on any port and any of the three hosts completes the flow', async () => {
    const response = await authorizationCodeFlow(
      env.stack.issuer,
      { clientId },
      { redirectUri: 'http://[::1]:54321/callback', email: 'loopback-port@example.com' },
    );
    expect(response.status).toBe(200);
  });

  it.each([
    ['userinfo', 'http://evil.example@localhost:1234/callback'],
    ['a fragment', 'http://localhost:1234/callback#frag'],
    ['a ".." segment', 'http://localhost:1234/x/../callback'],
    ['an encoded ".." segment', 'http://localhost:1234/x/%2e%2e/callback'],
    ['a "." segment', 'http://localhost:1234/./callback'],
    ['the loopback host in capitals', 'http://LOCALHOST:1234/callback'],
    ['the web host in capitals', 'https://APP.example/cb?tenant=1'],
    ['127.1', 'http://127.1:1234/callback'],
    ['0x7f000001', 'http://0x7f000001:1234/callback'],
    ['2130706433', 'http://2130706433:1234/callback'],
    ['a trailing slash on loopback', 'http://localhost:1234/callback/'],
    ['a trailing slash on the web', 'https://app.example/cb/?tenant=1'],
    ['an extra query on loopback', 'http://localhost:1234/callback?x=1'],
    ['an extra query on the web', 'https://app.example/cb?tenant=1&x=1'],
    ['a port on the web', 'https://app.example:8443/cb?tenant=1'],
  ])('refuses %s with a page, never a redirect', async (_name, redirectUri) => {
    const { url } = authorizationRequest(env.stack.issuer, { clientId }, { redirectUri });
    const { status, location, page } = await authorize(url);
    expect(location).toBeNull();
    expect(status).toBe(400);
    expect(page).toContain('redirect_uri');
  });
});

describe('registration refuses redirect URIs that would not match as written', () => {
  it.each([
    ['userinfo', 'https://user@app.example/cb', 'userinfo'],
    ['userinfo on loopback (finding 12)', 'http://evil.example@localhost/callback', 'userinfo'],
    ['a fragment', 'https://app.example/cb#frag', 'fragment'],
    ['a ".." segment', 'https://app.example/x/../cb', 'segments'],
    ['an encoded "." segment', 'http://localhost/%2e/cb', 'segments'],
    ['LOCALHOST', 'http://LOCALHOST/callback', 'lower case'],
    ['127.1', 'http://127.1/callback', 'lower case'],
    ['0x7f000001', 'http://0x7f000001/callback', 'lower case'],
    ['2130706433', 'http://2130706433/callback', 'lower case'],
  ])('%s', async (_name, uri, reason) => {
    const { status, body } = await registration(env.stack.issuer, {
      redirect_uris: [uri],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_redirect_uri');
    expect(body.error_description).toContain(reason);
  });
});

/**
 * Raw control characters, which a browser drops or rewrites: refused at the edge (400 naming
 * `return_to`) before any route reads them; ``safeReturnTo` refuses them too (apps/auth/test/return-to.test.ts).
 */
const RETURN_TO_CONTROL_TRICKS = [
  ['a tab between the slashes (finding 5)', '/\t/evil.example'],
  ['a newline between the slashes', '/\n/evil.example'],
  ['CR/LF, a header injection', '/dashboard\r\nSet-Cookie: pwned=1'],
  ['a NUL', '/\u0000/evil.example'],
] as const;

/** Every other way a `return_to` could leave our origin once a browser reads it. */
const RETURN_TO_TRICKS = [
  ['an encoded tab between the slashes', '/%09/evil.example'],
  ['encoded CR/LF', '/dashboard%0d%0aSet-Cookie:%20pwned=1'],
  ['a backslash after the slash', '/\\evil.example'],
  ['two backslashes', '\\\\evil.example'],
  ['a slash and a backslash', '/\\/evil.example'],
  ['an encoded backslash', '/%5Cevil.example'],
  ['an encoded backslash in lower case', '/%5cevil.example'],
  ['an encoded slash after the slash', '/%2F/evil.example'],
  ['protocol-relative', '//evil.example'],
  ['protocol-relative with a path', '//evil.example/dashboard'],
  ['an absolute URL', 'https://evil.example'],
  ['an absolute URL without slashes', 'https:evil.example'],
  ['javascript:', 'javascript:alert(document.cookie)'],
  ['JavaScript: in mixed case', 'JaVaScRiPt:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['a space before the slashes', ' //evil.example'],
  ['a relative path without a slash', 'evil.example'],
] as const;

/** The development login as a browser submits it, with `returnTo` in its hidden field. */
async function devLogin(issuer: string, returnTo: string) {
  const jar = new CookieJar();
  const login = new URL('/login', issuer);
  const page = await fetch(login);
  jar.store(login, page.headers.getSetCookie());
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)![1]!;
  const post = new URL('/login/dev', issuer);
  const response = await fetch(post, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(post), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, email: 'return-to@example.com', return_to: returnTo }),
  });
  return { status: response.status, location: response.headers.get('location') };
}

/**
 * "Continue with GitHub" from the dashboard's sign-in page, over HTTP: the start, GitHub's page
 * (the fake one) and Authorize, then the callback; where the callback sends the browser.
 */
async function githubLogin(issuer: string, fake: FakeIdentityProviders, returnTo: string) {
  const jar = new CookieJar();
  const login = new URL('/login', issuer);
  const page = await fetch(login);
  jar.store(login, page.headers.getSetCookie());
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)![1]!;
  const start = new URL('/login/github', issuer);
  const started = await fetch(start, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(start), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, return_to: returnTo }),
  });
  expect(started.status).toBe(303);
  jar.store(start, started.headers.getSetCookie());
  const github = new URL(started.headers.get('location')!);
  const authorizePage = await (await fetch(new URL(`${github.pathname}${github.search}`, fake.url))).text();
  const decide = authorizePage.match(/id="authorize" href="([^"]+)"/)![1]!.replace(/&amp;/g, '&');
  const decided = await fetch(new URL(decide, fake.url), { redirect: 'manual' });
  const callback = new URL(decided.headers.get('location')!);
  const done = await fetch(callback, { redirect: 'manual', headers: { cookie: jar.header(callback) } });
  return { status: done.status, location: done.headers.get('location') };
}

describe('return_to after signing in stays on our origin', () => {
  it('a path of ours, with its query, is where the sign-in returns', async () => {
    expect(await devLogin(env.stack.issuer, '/admin?tab=policy')).toEqual({
      status: 303,
      location: '/admin?tab=policy',
    });
  });

  it.each(RETURN_TO_TRICKS)('development login: %s goes to the dashboard', async (_name, returnTo) => {
    expect(await devLogin(env.stack.issuer, returnTo)).toEqual({ status: 303, location: '/dashboard' });
  });

  it.each(RETURN_TO_CONTROL_TRICKS)(
    'development login: %s is refused, naming return_to',
    async (_name, returnTo) => {
      expect(await devLogin(env.stack.issuer, returnTo)).toEqual({ status: 400, location: null });
    },
  );

  it.each(RETURN_TO_CONTROL_TRICKS)(
    'the sign-in page refuses %s, naming return_to',
    async (_name, returnTo) => {
      const page = await fetch(new URL(`/login?return_to=${encodeURIComponent(returnTo)}`, env.stack.issuer));
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('return_to contains a control character');
    },
  );

  it.each(RETURN_TO_TRICKS)('the sign-in page does not carry %s', async (_name, returnTo) => {
    const page = await fetch(new URL(`/login?return_to=${encodeURIComponent(returnTo)}`, env.stack.issuer));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<input type="hidden" name="return_to" value="/dashboard">');
  });

  describe('through GitHub', () => {
    const fake = new FakeIdentityProviders();
    let unroute: () => void;
    beforeAll(async () => {
      await fake.start();
      unroute = await routeUpstreamHostsTo(fake.url);
    });
    afterAll(async () => {
      unroute?.();
      await fake.close();
    });

    it('a path of ours is where the sign-in returns', async () => {
      expect(await githubLogin(upstreamEnv.stack.issuer, fake, '/admin?tab=policy')).toEqual({
        status: 303,
        location: '/admin?tab=policy',
      });
    });

    it.each(RETURN_TO_TRICKS)('%s goes to the dashboard', async (_name, returnTo) => {
      expect(await githubLogin(upstreamEnv.stack.issuer, fake, returnTo)).toEqual({
        status: 303,
        location: '/dashboard',
      });
    });
  });
});

describe('post_logout_redirect_uris follow the redirect-URI rule', () => {
  it.each([
    ['plain http on a public host (finding 6)', 'http://evil.example/bye'],
    ['javascript:', 'javascript:alert(1)'],
    ['userinfo', 'https://evil.example@app.example/bye'],
    ['a fragment', 'https://app.example/bye#x'],
    ['a dot segment', 'https://app.example/x/../bye'],
    ['a numeric loopback spelling', 'http://2130706433/bye'],
    ['an app scheme on a web client', 'cursor://anysphere.cursor-mcp/bye'],
  ])('refuses %s', async (_name, uri) => {
    const { status, body } = await registration(env.stack.issuer, {
      redirect_uris: ['https://app.example/cb'],
      post_logout_redirect_uris: [uri],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description).toContain('post_logout_redirect_uris');
  });

  it('registers https and loopback ones, as clients send them', async () => {
    const { status } = await registration(env.stack.issuer, {
      redirect_uris: ['https://app.example/cb'],
      post_logout_redirect_uris: ['https://app.example/bye', 'http://localhost:8080/bye'],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
  });
});

describe('/session/end is not offered (finding 8)', () => {
  it('discovery names no end_session_endpoint', async () => {
    const metadata = await (
      await fetch(new URL('/.well-known/oauth-authorization-server', env.stack.issuer))
    ).json();
    expect(metadata).not.toHaveProperty('end_session_endpoint');
  });

  it.each([
    ['GET /session/end', 'GET', '/session/end'],
    [
      'GET /session/end with a post_logout_redirect_uri',
      'GET',
      '/session/end?post_logout_redirect_uri=http://evil.example/bye',
    ],
    ['POST /session/end/confirm', 'POST', '/session/end/confirm'],
    ['GET /session/end/success', 'GET', '/session/end/success'],
  ])(
    '%s is a plain 404: no page of oidc-provider, no external asset, no redirect',
    async (_name, method, path) => {
      const response = await fetch(new URL(path, env.stack.issuer), { method, redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).not.toMatch(/googleapis|<form/);
    },
  );
});

describe('authorization errors are a page until the client has an approved grant (finding 6)', () => {
  const EVIL = 'https://evil.example/cb';
  let clientId: string;
  beforeAll(async () => {
    ({ client_id: clientId } = await registerClient(env.stack.issuer, EVIL));
  });

  /** An authorization request for `clientId` at `origin`, with `extra` parameters. */
  function authorizeUrl(origin: string, client: string, redirectUri: string, extra: Record<string, string>) {
    const { url } = authorizationRequest(env.stack.issuer, { clientId: client }, { redirectUri });
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    return new URL(`${url.pathname}${url.search}`, origin);
  }

  it.each([
    ['prompt=none, no one signed in: login_required', { prompt: 'none' }, 'login_required'],
    ['a PKCE method other than S256', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['prompt=none as a form_post', { prompt: 'none', response_mode: 'form_post' }, 'login_required'],
    ['prompt=none in the fragment', { prompt: 'none', response_mode: 'fragment' }, 'login_required'],
    ['an unsupported response_type', { response_type: 'token' }, 'unsupported_response_type'],
  ])('%s', async (_name, extra, error) => {
    const { status, location, csp, page } = await authorize(
      authorizeUrl(env.stack.issuer, clientId, EVIL, extra),
    );
    expect(location).toBeNull();
    expect(status).toBe(400);
    expect(page).toContain(error);
    expect(page).not.toContain('evil.example');
    // Our page's policy, not the one oidc-provider set for its self-submitting form.
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("'sha256-");
  });

  it('through GET /authorize on the MCP origin too', async () => {
    const mcpOrigin = new URL(env.stack.mcpUrl).origin;
    const first = await fetch(authorizeUrl(mcpOrigin, clientId, EVIL, { prompt: 'none' }), {
      redirect: 'manual',
    });
    expect(first.status).toBe(302);
    const location = new URL(first.headers.get('location')!);
    expect(location.origin).toBe(env.stack.issuer);
    const { status, location: next, page } = await authorize(location);
    expect(next).toBeNull();
    expect(status).toBe(400);
    expect(page).toContain('login_required');
  });

  it('a client someone approved gets its errors at its redirect URI, as OAuth says', async () => {
    const redirectUri = 'https://claude.ai/api/mcp/auth_callback';
    const { client_id } = await registerClient(env.stack.issuer, redirectUri);
    const before = await authorize(
      authorizeUrl(env.stack.issuer, client_id, redirectUri, { prompt: 'none' }),
    );
    expect(before.location).toBeNull();

    const flow = await authorizationCodeFlow(
      env.stack.issuer,
      { clientId: client_id },
      { redirectUri, email: 'approved-once@example.com' },
    );
    expect(flow.status).toBe(200);
    const after = await authorize(authorizeUrl(env.stack.issuer, client_id, redirectUri, { prompt: 'none' }));
    expect(after.status).toBe(303);
    const back = new URL(after.location!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('error')).toBe('login_required');
  });
});

describe('Deny honours the workspace policy, as Approve does (finding 6)', () => {
  const ALLOWED = 'http://localhost:7777/callback';

  /** Authorize `clientId` at `redirectUri` and press Deny as `email`; where the browser ends. */
  function deny(clientId: string, redirectUri: string, email: string) {
    const { url } = authorizationRequest(env.stack.issuer, { clientId }, { redirectUri });
    return completeAuthorization(url.href, { email, redirectUri, decision: 'deny' });
  }

  it('a redirect URI the workspace does not allow gets the policy page, not access_denied', async () => {
    const evil = 'https://evil.example/cb';
    const { client_id } = await registerClient(env.stack.issuer, evil);
    await expect(deny(client_id, evil, 'deny-redirect@example.com')).rejects.toThrow(
      /HTTP 400 at \/interaction\/[^:]+\/consent: redirect_uri is not allowed: https:\/\/evil\.example\/cb/,
    );
  });

  it('a client ID the workspace does not allow gets the policy page', async () => {
    const email = 'deny-client@example.com';
    const admin = await personalWorkspaceAdmin(env.stack.issuer, email);
    const policy = `/api/v1/workspaces/${admin.workspaceId}/policy`;
    expect((await admin.session.api('PATCH', policy, { allowed_client_ids: ['someone-else'] })).status).toBe(
      200,
    );
    const { client_id } = await registerClient(env.stack.issuer, ALLOWED);
    await expect(deny(client_id, ALLOWED, email)).rejects.toThrow(
      /HTTP 400 .*OAuth client_id is not allowed/,
    );
  });

  it('a workspace with MCP off gets the policy page', async () => {
    const email = 'deny-mcp-off@example.com';
    const admin = await personalWorkspaceAdmin(env.stack.issuer, email);
    const policy = `/api/v1/workspaces/${admin.workspaceId}/policy`;
    expect((await admin.session.api('PATCH', policy, { mcp_enabled: false })).status).toBe(200);
    const { client_id } = await registerClient(env.stack.issuer, ALLOWED);
    await expect(deny(client_id, ALLOWED, email)).rejects.toThrow(/HTTP 400 .*MCP integration is disabled/);
  });

  it('an allowed client is sent back with access_denied', async () => {
    const { client_id } = await registerClient(env.stack.issuer, ALLOWED);
    const callback = await deny(client_id, ALLOWED, 'deny-allowed@example.com');
    expect(callback.searchParams.get('error')).toBe('access_denied');
  });
});
