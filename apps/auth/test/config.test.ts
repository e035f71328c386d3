import { describe, expect, it } from 'vitest';
import { loadAuthConfig, startupWarnings } from '../src/config.js';

const https = { AUTH_PUBLIC_URL: 'https://auth.example.com', MCP_PUBLIC_URL: 'https://mcp.example.com/mcp' };

describe('authorization server configuration', () => {
  it('has the contract defaults for lifetimes', () => {
    expect(loadAuthConfig({}).ttl).toMatchObject({
      accessToken: 900,
      refreshToken: 30 * 86400,
      grant: 180 * 86400,
      authorizationCode: 60,
    });
  });

  it('sweeps expired rows every 10 minutes unless told otherwise, and never every 0 seconds', () => {
    expect(loadAuthConfig({}).housekeeping).toEqual({ intervalSeconds: 600 });
    expect(loadAuthConfig({ HOUSEKEEPING_INTERVAL: '60' }).housekeeping).toEqual({ intervalSeconds: 60 });
    expect(() => loadAuthConfig({ HOUSEKEEPING_INTERVAL: '0' })).toThrow(/HOUSEKEEPING_INTERVAL/);
  });

  it('accepts a used refresh token again for 30 s unless told otherwise, never for more than 5 minutes', () => {
    expect(loadAuthConfig({}).refreshReuseGraceSeconds).toBe(30);
    expect(loadAuthConfig({ REFRESH_REUSE_GRACE_SECONDS: '0' }).refreshReuseGraceSeconds).toBe(0);
    expect(() => loadAuthConfig({ REFRESH_REUSE_GRACE_SECONDS: '3600' })).toThrow(
      /REFRESH_REUSE_GRACE_SECONDS is at most 300/,
    );
  });

  it('refuses an issuer with a path', () => {
    expect(() => loadAuthConfig({ AUTH_PUBLIC_URL: 'http://localhost:4000/oidc' })).toThrow(/without a path/);
  });

  it('turns the development login off in production unless enabled, and then warns', () => {
    expect(loadAuthConfig({}).devLogin).toBe(true);
    const production = loadAuthConfig({ ...https, NODE_ENV: 'production' });
    expect(production.devLogin).toBe(false);
    expect(startupWarnings(production)).toEqual([expect.stringMatching(/no way to sign in is configured/)]);
    const github = { GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret' };
    expect(startupWarnings(loadAuthConfig({ ...https, ...github, NODE_ENV: 'production' }))).toEqual([]);
    const enabled = loadAuthConfig({ ...https, NODE_ENV: 'production', AUTH_DEV_LOGIN: 'true' });
    expect(startupWarnings(enabled)).toEqual([
      expect.stringMatching(/development login is ENABLED in production/),
    ]);
  });

  it('wants both halves of an OAuth app, or neither', () => {
    expect(() => loadAuthConfig({ GITHUB_CLIENT_ID: 'id' })).toThrow(/GITHUB_CLIENT_SECRET: set both/);
    expect(loadAuthConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' }).google).toEqual({
      clientId: 'id',
      clientSecret: 's',
    });
  });

  it('reads the instance admins as lowercased emails, nobody by default', () => {
    expect(loadAuthConfig({}).instanceAdmins).toEqual([]);
    expect(loadAuthConfig({ INSTANCE_ADMINS: ' Root@Example.com, ops@example.com,' }).instanceAdmins).toEqual(
      ['root@example.com', 'ops@example.com'],
    );
    expect(() => loadAuthConfig({ INSTANCE_ADMINS: 'root@example.com, root' })).toThrow(
      /INSTANCE_ADMINS.1: not an email address/,
    );
  });

  it('refuses plain http in production', () => {
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_PUBLIC_URL must be https/);
  });
});
