import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { registerClient } from './support/register.js';
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

describe('CORS at the MCP origin’s fallbacks to the issuer, as at the issuer', () => {
  const mcpOrigin = () => new URL(env.stack.mcpUrl).origin;
  const corsHeaders = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));

  it.each(['/token', '/register'])('answers the preflight of %s as the issuer does', async (path) => {
    const atIssuer = await preflight(`${env.stack.issuer}${path}`, 'POST', 'content-type, authorization');
    const atMcp = await preflight(`${mcpOrigin()}${path}`, 'POST', 'content-type, authorization');
    expect(atMcp.status).toBe(204);
    expect(corsHeaders(atIssuer)['access-control-allow-origin']).toBeTruthy();
    expect(corsHeaders(atMcp)).toEqual(corsHeaders(atIssuer));
  });

  it.each([
    ['/token', INSPECTOR],
    ['/register', '*'],
  ])('lets a browser follow the 308 of %s', async (path, allowed) => {
    const response = await fetch(`${mcpOrigin()}${path}`, {
      method: 'POST',
      headers: { origin: INSPECTOR, 'content-type': 'application/json' },
      body: '{}',
      redirect: 'manual',
    });
    expect(response.status).toBe(308);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
  });
});

describe('a web page that ignores metadata and calls the MCP origin, in Chromium', () => {
  it('registers through its /register; its /token reaches the issuer as origin null, which refuses', async () => {
    const site = createServer((_request, response) => response.end('<!doctype html><title>app</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const siteOrigin = `http://localhost:${(site.address() as { port: number }).port}`;
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(siteOrigin);
      /** A POST from the page, as a browser client sends it; the status it could read, or the failure. */
      const post = (url: string, contentType: string, body: string) =>
        page.evaluate(
          async ([u, type, b]) => {
            try {
              const r = await fetch(u!, { method: 'POST', headers: { 'content-type': type! }, body: b! });
              return `${r.status} ${r.url}`;
            } catch (error) {
              return String(error);
            }
          },
          [url, contentType, body],
        );
      const mcpOrigin = new URL(env.stack.mcpUrl).origin;
      const registration = JSON.stringify({
        redirect_uris: [`${siteOrigin}/callback`],
        token_endpoint_auth_method: 'none',
      });
      // JSON needs a preflight at the MCP origin, then one at the issuer after the 308.
      expect(await post(`${mcpOrigin}/register`, 'application/json', registration)).toBe(
        `201 ${env.stack.issuer}/register`,
      );

      const { client_id } = await registerClient(env.stack.issuer, `${siteOrigin}/callback`);
      const exchange = `grant_type=authorization_code&client_id=${client_id}&code=unknown&code_verifier=${'v'.repeat(43)}&redirect_uri=${siteOrigin}/callback`;
      const form = 'application/x-www-form-urlencoded';
      // At the issuer the page's origin is one of the client's redirect origins: it reads the error.
      expect(await post(`${env.stack.issuer}/token`, form, exchange)).toBe(`400 ${env.stack.issuer}/token`);
      // Redirected from another origin, the browser sends Origin: null, which no client has:
      // docs/clients.md tells browser clients to use the metadata's token_endpoint.
      expect(await post(`${mcpOrigin}/token`, form, exchange)).toMatch(/^TypeError: Failed to fetch/);
    } finally {
      await browser.close();
      site.close();
    }
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
