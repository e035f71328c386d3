import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { authorizationRequest, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { connectWithoutMetadata } from './support/metadata-less-client.js';
import { useStack } from './support/stack.js';

// Clients that ignore the metadata and use /authorize, /token and /register on the MCP server's
// origin, as MCP 2025-03-26 told them to: the issuer is on another origin here, as by default.
const env = useStack();
const REDIRECT = 'http://127.0.0.1:7021/callback';
const mcpOrigin = () => new URL(env.stack.mcpUrl).origin;

/**
 * Follows every redirect, as fetch does by default: how clients built on it, and the MCP SDK before
 * it kept redirects within one origin, reach the issuer from the MCP origin.
 */
const followingFetch: FetchLike = (url, init) => fetch(url, { ...init, redirect: 'follow' });

describe('the MCP origin sends clients that ignore metadata on to the issuer', () => {
  it.each(['/token', '/register'])(
    'POST %s: 308 to the same path on the issuer, query kept',
    async (path) => {
      const response = await fetch(`${mcpOrigin()}${path}?probe=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code',
        redirect: 'manual',
      });
      expect(response.status).toBe(308);
      expect(response.headers.get('location')).toBe(`${env.stack.issuer}${path}?probe=1`);
    },
  );

  it('GET /authorize: 302 to the issuer, query kept', async () => {
    const response = await fetch(`${mcpOrigin()}/authorize?client_id=x&state=s`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${env.stack.issuer}/authorize?client_id=x&state=s`);
  });

  it("the MCP SDK's auth functions register, authorize and exchange the code against the MCP origin", async () => {
    const { tokens } = await connectWithoutMetadata(mcpOrigin(), {
      resource: env.stack.mcpUrl,
      email: 'legacy@example.com',
      redirectUri: REDIRECT,
      fetchFn: followingFetch,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await callToolOverHttp(env.stack.mcpUrl, tokens.access_token, 'mcp_whoami')).status).toBe(200);
  });

  it('carries a client_secret_post secret, in the body, but not Basic credentials, in a header', async () => {
    const response = await followingFetch(`${mcpOrigin()}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post' }),
    });
    expect(response.status).toBe(201);
    expect(response.url).toBe(`${env.stack.issuer}/register`);
    const client = (await response.json()) as { client_id: string; client_secret: string };
    const { url, verifier } = authorizationRequest(
      env.stack.issuer,
      { clientId: client.client_id },
      { redirectUri: REDIRECT },
    );
    const callback = await completeAuthorization(url.href, {
      email: 'post@example.com',
      redirectUri: REDIRECT,
    });
    const exchange = (auth: 'client_secret_post' | 'client_secret_basic') =>
      tokenRequest(
        mcpOrigin(),
        { clientId: client.client_id, clientSecret: client.client_secret, auth },
        {
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          code_verifier: verifier,
          redirect_uri: REDIRECT,
        },
      );
    // fetch drops Authorization on a redirect to another origin (Fetch standard), so Basic
    // credentials never reach the issuer: docs/clients.md says to use the issuer's /token.
    const basic = await exchange('client_secret_basic');
    expect(basic.status).toBe(400);
    expect(await basic.json()).toMatchObject({
      error: 'invalid_request',
      error_description: 'no client authentication mechanism provided',
    });
    const post = await exchange('client_secret_post');
    expect(post.status).toBe(200);
  });
});
