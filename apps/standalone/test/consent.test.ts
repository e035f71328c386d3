import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, completeAuthorization } from './support/consent.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

const REDIRECT = 'http://localhost:6001/callback';
let clientId: string;

const env = useStack();

beforeAll(async () => {
  ({ client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT, {
    client_name: 'Consent probe',
  }));
});

function authorizeUrl(scope?: string): string {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(scope ? { scope } : {}),
  });
  return `${env.stack.issuer}/authorize?${params}`;
}

/** Follows the flow up to the login page and returns its URL, cookies and HTML. */
async function openLoginPage() {
  const jar = new CookieJar();
  let url = new URL(authorizeUrl());
  for (;;) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(url, response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (!location) return { url, jar, html: await response.text(), headers: response.headers };
    url = new URL(location, url);
  }
}

describe('the login and consent pages', () => {
  it('serve a strict CSP and no external assets', async () => {
    const { html, headers } = await openLoginPage();
    expect(headers.get('content-security-policy')).toMatch(
      /default-src 'none'; style-src 'nonce-[^']+'; form-action 'self'/,
    );
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('refuse a login form posted without the CSRF token', async () => {
    const { url, jar } = await openLoginPage();
    const action = new URL(`${url.pathname}/login`, url);
    const response = await fetch(action, {
      method: 'POST',
      headers: { cookie: jar.header(action), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'mallory@example.com' }),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('CSRF check failed');
  });

  it('refuse a login form posted from another origin', async () => {
    const { url, jar, html } = await openLoginPage();
    const csrf = html.match(/name="csrf" value="([^"]+)"/)![1]!;
    const action = new URL(`${url.pathname}/login`, url);
    const response = await fetch(action, {
      method: 'POST',
      headers: {
        cookie: jar.header(action),
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ email: 'mallory@example.com', csrf }),
    });
    expect(response.status).toBe(403);
  });

  it('send the user back with access_denied on Deny', async () => {
    const callback = await completeAuthorization(authorizeUrl(), {
      email: 'gina@example.com',
      redirectUri: REDIRECT,
      decision: 'deny',
    });
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({
      error: 'access_denied',
      state: 'st',
      iss: env.stack.issuer,
    });
  });

  it('treat a request with only unknown scopes as asking for the default enclave scopes', async () => {
    const callback = await completeAuthorization(authorizeUrl('claudeai'), {
      email: 'hal@example.com',
      redirectUri: REDIRECT,
    });
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('ask again when the user unticks every permission', async () => {
    await expect(
      completeAuthorization(authorizeUrl(), {
        email: 'ivy@example.com',
        redirectUri: REDIRECT,
        untick: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'],
      }),
    ).rejects.toThrow(/HTTP 400 .*Choose at least one permission/s);
  });

  it('show an expired or unknown sign-in as a page with a way back, not a stack trace', async () => {
    const response = await fetch(`${env.stack.issuer}/interaction/does-not-exist`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Go back to the app');
  });
});
