import { describe, expect, it } from 'vitest';
import { parseRedirectUri, redirectUriMatches } from '../src/oidc/redirect-uris.js';
import { redirectUriAllowed } from '../src/workspaces/policy.js';

const LOOPBACK = 'http://localhost/callback';
const WEB = 'https://app.example/cb?tenant=1';
const REGISTERED = [LOOPBACK, WEB];

describe('a loopback redirect URI matches the registered string with only the port ignored', () => {
  it.each([
    ['the registered string itself', LOOPBACK],
    ['localhost on a port', 'http://localhost:3118/callback'],
    ['127.0.0.1 on a port, the same host', 'http://127.0.0.1:54321/callback'],
    ['[::1] on a port, the same host', 'http://[::1]:9999/callback'],
  ])('accepts %s', (_name, presented) => {
    expect(redirectUriMatches(presented, REGISTERED)).toBe(true);
  });

  it.each([
    ['userinfo before the host', 'http://evil.example@localhost:1234/callback'],
    ['empty userinfo', 'http://@localhost:1234/callback'],
    ['a fragment', 'http://localhost:1234/callback#frag'],
    ['an empty fragment', 'http://localhost:1234/callback#'],
    ['a ".." segment', 'http://localhost:1234/x/../callback'],
    ['a "." segment', 'http://localhost:1234/./callback'],
    ['an encoded ".." segment', 'http://localhost:1234/x/%2e%2e/callback'],
    ['an encoded "." segment in capitals', 'http://localhost:1234/%2E/callback'],
    ['the host in capitals', 'http://LOCALHOST:1234/callback'],
    ['the scheme in capitals', 'HTTP://localhost:1234/callback'],
    ['127.1', 'http://127.1:1234/callback'],
    ['0x7f000001', 'http://0x7f000001:1234/callback'],
    ['2130706433', 'http://2130706433:1234/callback'],
    ['0177.0.0.1', 'http://0177.0.0.1:1234/callback'],
    ['[::1] written out in full', 'http://[0:0:0:0:0:0:0:1]:1234/callback'],
    ['localhost with a trailing dot', 'http://localhost.:1234/callback'],
    ['a trailing slash', 'http://localhost:1234/callback/'],
    ['an extra query', 'http://localhost:1234/callback?x=1'],
    ['another path', 'http://localhost:1234/other'],
    ['the path in capitals', 'http://localhost:1234/Callback'],
    ['a backslash for the slash', 'http://localhost:1234\\callback'],
    ['an empty port', 'http://localhost:/callback'],
    ['https on loopback', 'https://localhost:1234/callback'],
    ['a tab inside', 'http://local\thost:1234/callback'],
  ])('refuses %s', (_name, presented) => {
    expect(redirectUriMatches(presented, REGISTERED)).toBe(false);
  });
});

describe('any other redirect URI matches only byte for byte', () => {
  it('accepts the registered string', () => {
    expect(redirectUriMatches(WEB, REGISTERED)).toBe(true);
  });

  it.each([
    ['the host in capitals', 'https://APP.example/cb?tenant=1'],
    ['a trailing slash', 'https://app.example/cb/?tenant=1'],
    ['an extra query parameter', 'https://app.example/cb?tenant=1&x=2'],
    ['the query dropped', 'https://app.example/cb'],
    ['a default port written out', 'https://app.example:443/cb?tenant=1'],
    ['userinfo', 'https://evil.example@app.example/cb?tenant=1'],
    ['a fragment', 'https://app.example/cb?tenant=1#x'],
    ['a ".." segment', 'https://app.example/x/../cb?tenant=1'],
    ['a port, which only loopback may vary', 'https://app.example:8443/cb?tenant=1'],
  ])('refuses %s', (_name, presented) => {
    expect(redirectUriMatches(presented, REGISTERED)).toBe(false);
  });

  it('never matches a registered string that could not be registered today', () => {
    const legacy = 'https://app.example/cb#frag';
    expect(redirectUriMatches(legacy, [legacy])).toBe(false);
  });
});

describe('registration refuses what could not match as written', () => {
  it.each([
    ['userinfo', 'https://user@app.example/cb', 'userinfo'],
    ['userinfo on loopback', 'http://evil.example@localhost/cb', 'userinfo'],
    ['a fragment', 'https://app.example/cb#x', 'fragment'],
    ['a ".." segment', 'https://app.example/a/../cb', 'segments'],
    ['a "." segment', 'http://localhost/./cb', 'segments'],
    ['an encoded ".." segment', 'https://app.example/a/%2E%2e/cb', 'segments'],
    ['a backslash', 'https://app.example\\cb', 'backslash'],
    ['LOCALHOST', 'http://LOCALHOST/cb', 'lower case'],
    ['the scheme in capitals on loopback', 'HTTP://localhost/cb', 'lower case'],
    ['127.1', 'http://127.1/cb', 'lower case'],
    ['0x7f000001', 'http://0x7f000001/cb', 'lower case'],
    ['2130706433', 'http://2130706433/cb', 'lower case'],
    ['[::1] written out in full', 'http://[0:0:0:0:0:0:0:1]/cb', 'lower case'],
  ])('refuses %s', (_name, uri, reason) => {
    const parsed = parseRedirectUri(uri);
    expect('problem' in parsed && parsed.problem).toContain(reason);
  });

  it.each([
    'http://localhost/callback',
    'http://127.0.0.1:33418/',
    'http://[::1]/cb',
    'https://claude.ai/api/mcp/auth_callback',
    'cursor://anysphere.cursor-mcp/oauth/callback',
    'https://app.example/a..b/c.d/cb',
  ])('keeps %s', (uri) => {
    expect(parseRedirectUri(uri)).not.toHaveProperty('problem');
  });
});

describe('the workspace allowlist uses the same rule', () => {
  const policy = {
    allowedRedirectUris: ['http://127.0.0.1/', 'cursor://anysphere.cursor-mcp/oauth/callback'],
  };

  it.each([
    ['the entry on another port', 'http://127.0.0.1:33418/'],
    ['localhost for 127.0.0.1', 'http://localhost:33418/'],
    ['[::1] for 127.0.0.1', 'http://[::1]:33418/'],
    ['the app scheme exactly', 'cursor://anysphere.cursor-mcp/oauth/callback'],
  ])('allows %s', (_name, uri) => {
    expect(redirectUriAllowed(policy, uri)).toBe(true);
  });

  it.each([
    ['LOCALHOST', 'http://LOCALHOST:33418/'],
    ['127.1', 'http://127.1:33418/'],
    ['0x7f000001', 'http://0x7f000001:33418/'],
    ['2130706433', 'http://2130706433:33418/'],
    ['userinfo', 'http://evil.example@127.0.0.1:33418/'],
    ['a fragment', 'http://127.0.0.1:33418/#x'],
    ['a dot segment', 'http://127.0.0.1:33418/x/..'],
    ['the app scheme with a trailing slash', 'cursor://anysphere.cursor-mcp/oauth/callback/'],
  ])('refuses %s', (_name, uri) => {
    expect(redirectUriAllowed(policy, uri)).toBe(false);
  });
});
