import { beforeAll, describe, expect, it } from 'vitest';
import { authorizationCodeFlow, authorizationRequest } from './support/flow.js';
import { registration } from './support/register.js';
import { useStack } from './support/stack.js';

const env = useStack();

/** GET /authorize as a browser would, redirects not followed: where it would send the browser. */
async function authorize(url: URL) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), page: await response.text() };
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
