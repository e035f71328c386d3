// Windows are a few seconds long, so each test can wait one out; each burst fits well inside one.
import { describe, expect, it } from 'vitest';
import { CookieJar } from './support/consent.js';
import { authorizationCodeFlow, type FlowClient, type TokenResponse, tokenRequest } from './support/flow.js';
import { waitOut } from './support/rate-limit.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

const REGISTRATIONS = 3;

/** One registration POST as a client behind `forwardedFor` says it is (or with no header). */
async function register(issuer: string, forwardedFor?: string) {
  const response = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ redirect_uris: ['http://localhost/cb'], token_endpoint_auth_method: 'none' }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/** Registrations each naming a different left-most address, which is the part a client writes. */
async function burstWithMadeUpAddresses(issuer: string, realAddress?: string) {
  const statuses: number[] = [];
  for (let i = 0; i <= REGISTRATIONS; i++) {
    const madeUp = `198.51.100.${i + 1}`;
    statuses.push((await register(issuer, realAddress ? `${madeUp}, ${realAddress}` : madeUp)).status);
  }
  return statuses;
}

describe('X-Forwarded-For behind one trusted proxy (AUTH_TRUST_PROXY=1)', () => {
  const env = useStack({ env: { AUTH_TRUST_PROXY: '1', REGISTER_RATE_LIMIT: String(REGISTRATIONS) } });

  it('the client cannot choose its address: made-up left-most entries share the proxy-reported budget', async () => {
    expect(await burstWithMadeUpAddresses(env.stack.issuer, '203.0.113.7')).toEqual([201, 201, 201, 429]);
  });

  it('the address the proxy reports is the key: another client behind the proxy has its own budget', async () => {
    expect((await register(env.stack.issuer, '203.0.113.8')).status).toBe(201);
    const limited = await register(env.stack.issuer, '203.0.113.7');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  });
});

describe('X-Forwarded-For with no proxy trusted (the default)', () => {
  const env = useStack({ env: { REGISTER_RATE_LIMIT: String(REGISTRATIONS), REGISTER_RATE_WINDOW: '3' } });

  it('is ignored: every request counts against the connecting address, until the window ends', async () => {
    expect(await burstWithMadeUpAddresses(env.stack.issuer)).toEqual([201, 201, 201, 429]);
    const limited = await register(env.stack.issuer);
    expect(limited.status).toBe(429);
    await waitOut(limited.retryAfter);
    expect((await register(env.stack.issuer)).status).toBe(201);
  });
});

describe('failed token requests (TOKEN_FAILURE_LIMIT per address)', () => {
  const env = useStack({ env: { TOKEN_FAILURE_LIMIT: '3', TOKEN_FAILURE_WINDOW: '3' } });
  const redirectUri = 'http://127.0.0.1:7010/callback';

  it('successes never count; after the limit of failures every request is refused until the window ends', async () => {
    const client: FlowClient = { clientId: (await registerClient(env.stack.issuer, redirectUri)).client_id };
    const first = await authorizationCodeFlow(env.stack.issuer, client, {
      redirectUri,
      email: 'tokens@example.com',
    });
    let refreshToken = ((await first.json()) as TokenResponse).refresh_token!;
    const refresh = () =>
      tokenRequest(env.stack.issuer, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    const guess = () =>
      tokenRequest(env.stack.issuer, client, { grant_type: 'refresh_token', refresh_token: 'a-guess' });

    for (let i = 0; i < 5; i++) {
      const response = await refresh();
      expect(response.status).toBe(200);
      refreshToken = ((await response.json()) as TokenResponse).refresh_token!;
    }
    expect([(await guess()).status, (await guess()).status, (await guess()).status]).toEqual([400, 400, 400]);

    const refused = await refresh();
    expect(refused.status).toBe(429);
    // A browser client (MCP Inspector) can read why and for how long.
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('retry-after');
    expect(await refused.json()).toEqual({
      error: 'too_many_requests',
      error_description: expect.stringMatching(
        /^Too many failed token requests from this address; retry in \d+ s\.$/,
      ),
    });
    await waitOut(refused.headers.get('retry-after'));
    expect((await refresh()).status).toBe(200);
  });
});

describe('personal access token creation (PAT_CREATE_LIMIT per user)', () => {
  const env = useStack({ env: { PAT_CREATE_LIMIT: '3', PAT_CREATE_WINDOW: '5' } });

  async function workspaceOf(session: ApiSession): Promise<string> {
    const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
      workspaces: Array<{ id: string }>;
    };
    return workspaces[0]!.id;
  }
  const viaApi = async (session: ApiSession, workspaceId: string) =>
    session.api('POST', '/api/v1/tokens', {
      name: 'ci',
      workspace_id: workspaceId,
      scopes: ['enclaves:read'],
      expires_in_days: 30,
    });
  /** The dashboard's "Create a token" form, submitted from the page as a browser would. */
  async function viaDashboard(jar: CookieJar, workspaceId: string): Promise<Response> {
    const dashboard = new URL('/dashboard', env.stack.issuer);
    const page = await (await fetch(dashboard, { headers: { cookie: jar.header(dashboard) } })).text();
    const csrf = page.match(/name="csrf" value="([^"]+)"/)![1]!;
    const form = new URL('/dashboard/tokens', env.stack.issuer);
    return fetch(form, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(form), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf,
        name: 'laptop',
        workspace_id: workspaceId,
        scopes: 'enclaves:read',
        expires_in_days: '30',
      }),
    });
  }

  it('the dashboard and the API share one budget per user; a colleague at the same address has their own', async () => {
    const jar = new CookieJar();
    const alice = await signInToDashboard(env.stack.issuer, 'alice-pat@example.com', jar);
    const workspace = await workspaceOf(alice);

    expect((await viaApi(alice, workspace)).status).toBe(201);
    expect((await viaApi(alice, workspace)).status).toBe(201);
    // Created, then shown on the page it redirects to (POST → 303 → GET).
    expect((await viaDashboard(jar, workspace)).status).toBe(303);

    const refused = await viaApi(alice, workspace);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: 'too_many_requests',
      message: expect.stringMatching(/^Too many personal access tokens created; try again in \d+ s\.$/),
    });
    const page = await viaDashboard(jar, workspace);
    expect(page.status).toBe(429);
    expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await page.text()).toMatch(/Too many personal access tokens created; try again in \d+ s\./);

    const bob = await signInToDashboard(env.stack.issuer, 'bob-pat@example.com');
    expect((await viaApi(bob, await workspaceOf(bob))).status).toBe(201);

    await waitOut(refused.headers.get('retry-after'));
    expect((await viaApi(alice, workspace)).status).toBe(201);
  });
});

describe('failed sign-ins (SIGN_IN_FAILURE_LIMIT per address)', () => {
  const env = useStack({
    env: {
      SIGN_IN_FAILURE_LIMIT: '3',
      SIGN_IN_FAILURE_WINDOW: '3',
      GITHUB_CLIENT_ID: 'github-app',
      GITHUB_CLIENT_SECRET: 'github-secret',
    },
  });

  /** A browser on the sign-in page: posts its development login form with `email`. */
  async function signInPage() {
    const jar = new CookieJar();
    const page = new URL('/login', env.stack.issuer);
    const response = await fetch(page);
    jar.store(page, response.headers.getSetCookie());
    const csrf = (await response.text()).match(/name="csrf" value="([^"]+)"/)![1]!;
    const post = new URL('/login/dev', env.stack.issuer);
    return (email: string) =>
      fetch(post, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(post), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, email, return_to: '/dashboard' }),
      });
  }
  /** GitHub's answer arriving without the sign-in this browser started (a forged or replayed state). */
  const strayCallback = () =>
    fetch(`${env.stack.issuer}/login/github/callback?code=c&state=guessed`, { redirect: 'manual' });

  it('successful sign-ins never count: 61 from one address in a minute all go through', async () => {
    const signIn = await signInPage();
    for (let i = 0; i < 61; i++) {
      expect((await signIn(`person-${i % 7}@example.com`)).status, `sign-in ${i + 1}`).toBe(303);
    }
  });

  it('after the limit of failures every sign-in from the address gets a page saying when to try again', async () => {
    const signIn = await signInPage();
    expect((await signIn('not an email')).status).toBe(400);
    expect((await strayCallback()).status).toBe(400);
    expect((await signIn('still@not')).status).toBe(400);

    const refused = await signIn('good@example.com');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(await refused.text()).toMatch(
      /Too many sign-in attempts from this address failed\. Try again in \d+ seconds\./,
    );
    expect((await strayCallback()).status).toBe(429);

    await waitOut(refused.headers.get('retry-after'));
    expect((await signIn('good@example.com')).status).toBe(303);
  });
});
