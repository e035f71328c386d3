import { describe, expect, it } from 'vitest';
import { useStack } from './support/stack.js';

const env = useStack();
const INSPECTOR = 'http://localhost:6274';

const preflight = (url: string, method = 'POST', headers = 'content-type') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin: INSPECTOR,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });

describe('CORS at the authorization server, for browser clients like MCP Inspector', () => {
  it.each(['/register', '/token', '/revoke'])('answers the preflight of %s', async (path) => {
    const response = await preflight(`${env.stack.issuer}${path}`);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/localhost:6274)$/);
  });

  it('lets the browser read the metadata and the registration answer', async () => {
    const metadata = await fetch(`${env.stack.issuer}/.well-known/oauth-authorization-server`, {
      headers: { origin: INSPECTOR },
    });
    expect(metadata.headers.get('access-control-allow-origin')).toBeTruthy();
    const registration = await fetch(`${env.stack.issuer}/register`, {
      method: 'POST',
      headers: { origin: INSPECTOR, 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [`${INSPECTOR}/oauth/callback`],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(registration.status).toBe(201);
    expect(registration.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('the MCP endpoint and browser origins', () => {
  it('answers the preflight with the MCP headers allowed', async () => {
    const response = await preflight(
      env.stack.mcpUrl,
      'POST',
      'authorization, content-type, mcp-protocol-version',
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(INSPECTOR);
    const allowed = response.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const header of ['authorization', 'mcp-protocol-version', 'mcp-session-id'])
      expect(allowed).toContain(header);
  });

  it('exposes WWW-Authenticate on the 401, so a browser client can find the metadata', async () => {
    const response = await fetch(env.stack.mcpUrl, { method: 'POST', headers: { origin: INSPECTOR } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(INSPECTOR);
    expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('answers 403 to a foreign Origin, and accepts requests with none', async () => {
    const foreign = await fetch(env.stack.mcpUrl, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const none = await fetch(env.stack.mcpUrl, { method: 'POST' });
    expect(none.status).toBe(401);
  });

  it('serves the resource metadata to any origin', async () => {
    const response = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', env.stack.mcpUrl), {
      headers: { origin: 'https://evil.example' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
