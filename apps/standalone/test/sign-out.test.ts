import { describe, expect, it } from 'vitest';
import { browserFetch, CookieJar, openPage } from './support/consent.js';
import {
  authorizationCodeFlow,
  authorizationRequest,
  type FlowClient,
  type TokenResponse,
  tokenRequest,
} from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

const env = useStack();
const redirectUri = 'http://127.0.0.1:7014/callback';
const SESSION_COOKIES = ['_session', '_session.sig'];

/** The page a new authorization in this browser shows first. */
async function authorizationPage(jar: CookieJar, client: FlowClient): Promise<string> {
  const { response } = await openPage(
    jar,
    authorizationRequest(env.stack.issuer, client, { redirectUri }).url,
  );
  expect(response.status).toBe(200);
  return response.text();
}

/** Clicks "Sign out" on the dashboard. */
async function signOut(jar: CookieJar): Promise<Response> {
  const { url, response } = await openPage(jar, new URL('/dashboard', env.stack.issuer));
  expect(url.pathname).toBe('/dashboard');
  const form = (await response.text()).match(/<form[^>]*action="\/logout">([\s\S]*?)<\/form>/)?.[1];
  const csrf = form?.match(/name="csrf" value="([^"]+)"/)?.[1];
  expect(csrf).toBeDefined();
  return browserFetch(jar, new URL('/logout', env.stack.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: csrf! }),
  });
}

const isSignInPage = (page: string) =>
  page.includes('<label for="email">Email</label>') && page.includes('>Continue</button>');

describe('signing out of the dashboard', () => {
  it('ends the sign-in at the authorization server too, and leaves connected apps working', async () => {
    const jar = new CookieJar();
    const email = 'shared-computer@example.com';
    const { client_id } = await registerClient(env.stack.issuer, redirectUri);
    const client: FlowClient = { clientId: client_id };
    const exchange = await authorizationCodeFlow(env.stack.issuer, client, { redirectUri, email, jar });
    expect(exchange.status).toBe(200);
    const tokens = (await exchange.json()) as TokenResponse;
    await signInToDashboard(env.stack.issuer, email, jar);

    // Signed in: a new authorization goes straight to consent as this user.
    const before = await authorizationPage(jar, client);
    expect(before).toContain(`as <strong>${email}</strong>`);
    expect(isSignInPage(before)).toBe(false);
    const stolen = new CookieJar();
    stolen.store(
      new URL(env.stack.issuer),
      SESSION_COOKIES.map((name) => `${name}=${jar.get(name)}; path=/`),
    );
    expect(stolen.get('_session')).toBeTruthy();

    const signedOut = await signOut(jar);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/login');
    for (const name of ['enclavia_session', ...SESSION_COOKIES]) expect(jar.get(name)).toBeUndefined();
    const dashboard = await browserFetch(jar, new URL('/dashboard', env.stack.issuer));
    expect(dashboard.status).toBe(303);

    // The next person at this browser is asked who they are.
    const after = await authorizationPage(jar, client);
    expect(isSignInPage(after)).toBe(true);
    expect(after).not.toContain(email);
    // The session itself is gone, not only its cookie: a copy of the cookie signs nobody in.
    expect(isSignInPage(await authorizationPage(stolen, client))).toBe(true);

    // The app connected before keeps working: grants outlive the browser's sign-in.
    expect((await callToolOverHttp(env.stack.mcpUrl, tokens.access_token, 'mcp_whoami')).status).toBe(200);
    const refresh = await tokenRequest(env.stack.issuer, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    });
    expect(refresh.status).toBe(200);
  });
});
